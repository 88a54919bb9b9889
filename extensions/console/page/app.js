// The console page: renders each snapshot the server sends over server-sent events (/api/v1/events), replacing
// what it showed, so the page holds one snapshot at a time however long it stays open. No framework, no build:
// the DOM is built with createElement and textContent (payloads are shown as text, never parsed as HTML).
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const SERIES = ['accepted', 'refused', 'dropped', 'sent'];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function fmtRate(n) {
  if (!Number.isFinite(n)) return '-';
  if (n === 0) return '0';
  if (n < 10) return n.toFixed(2);
  if (n < 1000) return n.toFixed(0);
  return `${(n / 1000).toFixed(1)}k`;
}

function fmtBytes(n) {
  if (n === undefined || n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function fmtAge(seconds) {
  if (seconds === undefined || seconds === null) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

function since(iso) {
  if (!iso) return '-';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${fmtAge((Date.now() - t) / 1000)} ago`;
}

function badge(status) {
  return el('span', { class: `badge s-${status}` }, status.replace('_', ' '));
}

function sparkline(name, points, total) {
  const w = 90;
  const h = 22;
  const last = points.length > 0 ? points[points.length - 1] : undefined;
  const peak = Math.max(0, ...points);
  const wrap = el('span', { class: `spark s-${name}`, 'data-series': name, 'data-total': total, 'data-peak': peak });
  const max = Math.max(1e-9, peak);
  const step = points.length > 1 ? w / (points.length - 1) : 0;
  const coords = points.map((p, i) => `${(i * step).toFixed(1)},${(h - 1 - (p / max) * (h - 2)).toFixed(1)}`);
  const line = svg('polyline', { points: coords.join(' ') });
  wrap.append(svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': `${name} per second` }, line));
  wrap.append(el('span', { class: 'rate', title: `total ${total}` }, last === undefined ? '-' : fmtRate(last)));
  return wrap;
}

function fill(tbody, rows, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    tbody.append(el('tr', {}, el('td', { class: 'empty', colspan: columns }, 'none')));
    return;
  }
  for (const r of rows) tbody.append(r);
}

// --- the pipeline graph ---------------------------------------------------------------------------------------

const NODE_W = 150;
const NODE_H = 34;
const COL_W = 185;
const ROW_H = 48;

function graphNode(x, y, label, sub, status, key) {
  const g = svg('g', { class: `node s-${status || 'unknown'}`, transform: `translate(${x},${y})`, 'data-key': key });
  g.append(svg('rect', { width: NODE_W, height: NODE_H, rx: 5 }));
  g.append(svg('text', { x: 8, y: sub ? 14 : 21 }, label.length > 22 ? `${label.slice(0, 21)}…` : label));
  if (sub) g.append(svg('text', { x: 8, y: 28, class: 'sub' }, sub));
  g.append(svg('title', {}, `${key}: ${status || 'unknown'}`));
  return g;
}

function edge(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  return svg('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` });
}

function renderGraph(snap) {
  const pipelines = Object.entries(snap.pipelines.pipelines || {});
  const status = new Map(snap.components.map((c) => [c.key, c.status]));
  const receivers = [...new Set(pipelines.flatMap(([, p]) => p.receivers))];
  const exporters = [...new Set(pipelines.flatMap(([, p]) => p.exporters))];
  const depth = Math.max(0, ...pipelines.map(([, p]) => p.processors.length));
  const rows = Math.max(receivers.length, exporters.length, pipelines.length, 1);
  const width = (depth + 3) * COL_W;
  const height = rows * ROW_H + 10;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, id: 'graph-svg' });
  const edges = svg('g', {});
  const nodes = svg('g', {});
  root.append(edges, nodes);
  const rowY = (i, n) => 5 + ((rows - n) * ROW_H) / 2 + i * ROW_H;
  const recY = new Map(receivers.map((r, i) => [r, rowY(i, receivers.length)]));
  const expY = new Map(exporters.map((e, i) => [e, rowY(i, exporters.length)]));
  const expX = (depth + 2) * COL_W;
  for (const [id, y] of recY)
    nodes.append(graphNode(0, y, id, 'receiver', status.get(`receiver:${id}`), `receiver:${id}`));
  for (const [id, y] of expY)
    nodes.append(graphNode(expX, y, id, 'exporter', status.get(`exporter:${id}`), `exporter:${id}`));
  pipelines.forEach(([pid, p], i) => {
    const y = rowY(i, pipelines.length);
    nodes.append(graphNode(COL_W, y, pid, 'pipeline', 'ok', `pipeline:${pid}`));
    for (const r of p.receivers) edges.append(edge(NODE_W, recY.get(r) + NODE_H / 2, COL_W, y + NODE_H / 2));
    let x = COL_W;
    for (const proc of p.processors) {
      const key = `processor:${proc}@${pid}`;
      edges.append(edge(x + NODE_W, y + NODE_H / 2, x + COL_W, y + NODE_H / 2));
      x += COL_W;
      nodes.append(graphNode(x, y, proc, 'processor', status.get(key), key));
    }
    for (const e of p.exporters) edges.append(edge(x + NODE_W, y + NODE_H / 2, expX, expY.get(e) + NODE_H / 2));
  });
  document.getElementById('graph').replaceChildren(root);
}

// --- tables -----------------------------------------------------------------------------------------------------

function renderComponents(snap) {
  const rows = snap.components.map((c) => {
    const tr = el('tr', { 'data-component': c.key, 'data-status': c.status });
    const name = c.pipeline ? `${c.kind} ${c.id} (${c.pipeline})` : `${c.kind} ${c.id}`;
    tr.append(el('td', {}, name));
    tr.append(el('td', {}, badge(c.status), el('div', { class: 'muted' }, since(c.since))));
    for (const s of SERIES) {
      const r = c.rates;
      tr.append(el('td', { class: 'num' }, r ? sparkline(s, r.series[s], r.totals[s]) : '-'));
    }
    tr.append(el('td', { class: 'error' }, c.error || ''));
    return tr;
  });
  fill(document.querySelector('#components tbody'), rows, 7);
}

function renderQueues(snap) {
  const rows = [];
  for (const [id, q] of Object.entries(snap.queues)) {
    const d = q.delivery || {};
    const state =
      d.state === 'failing'
        ? `failing since ${since(d.failing_since)}, ${d.consecutive_failures} failed attempts`
        : d.state || '-';
    const delivery = el(
      'td',
      { class: d.state === 'failing' ? 'error' : '' },
      state,
      d.last_error ? el('div', {}, `last error ${since(d.last_error_at)}: ${d.last_error}`) : undefined,
    );
    const queues = q.queues && q.queues.length > 0 ? q.queues : [{ signal: '-', kind: 'none' }];
    for (const s of queues) {
      const tr = el('tr', { 'data-exporter': id, 'data-signal': s.signal });
      // A meter, not a styled bar: the page's CSP allows no inline styles.
      const bar =
        s.capacity !== undefined
          ? el('meter', { min: 0, max: Math.max(1, s.capacity), high: Math.max(1, s.capacity) * 0.9, value: s.size })
          : undefined;
      tr.append(el('td', {}, id));
      tr.append(el('td', {}, `${s.signal} · ${s.kind}`));
      tr.append(
        el(
          'td',
          { class: 'num queue-depth' },
          bar,
          s.size === undefined ? '-' : `${s.size} / ${s.capacity} ${s.sizer || ''}`,
        ),
      );
      tr.append(el('td', { class: 'num' }, s.disk_bytes === undefined ? '-' : fmtBytes(s.disk_bytes)));
      tr.append(el('td', { class: 'num' }, fmtAge(s.oldest_age_s)));
      tr.append(delivery.cloneNode(true));
      rows.push(tr);
    }
  }
  fill(document.querySelector('#queues tbody'), rows, 6);
}

function renderConnections(snap) {
  const rows = Object.entries(snap.connections).map(([id, c]) => {
    const tr = el('tr', { 'data-receiver': id, 'data-connected': String(!!c.connected) });
    tr.append(el('td', {}, id), el('td', {}, c.broker || '-'), el('td', {}, c.client_id || '-'));
    tr.append(el('td', {}, c.connected ? `connected ${since(c.connected_since)}` : 'disconnected'));
    tr.append(el('td', {}, (c.subscriptions || []).join(', ')));
    const bytes = c.max_inflight_bytes ? ` · ${fmtBytes(c.inflight_bytes)} / ${fmtBytes(c.max_inflight_bytes)}` : '';
    tr.append(el('td', { class: 'num' }, `${c.inflight} / ${c.receive_maximum}${bytes}`));
    tr.append(el('td', { class: 'num' }, c.reconnects));
    tr.append(el('td', { class: 'error' }, c.last_error ? `${since(c.last_error_at)}: ${c.last_error}` : ''));
    return tr;
  });
  fill(document.querySelector('#connections tbody'), rows, 8);
  const devices = [];
  for (const [id, d] of Object.entries(snap.devices)) {
    for (const dev of d.devices || []) {
      devices.push(
        el(
          'tr',
          { 'data-receiver': id },
          el('td', {}, id),
          el('td', {}, dev.client_id || '(connecting)'),
          el('td', {}, dev.address || '-'),
          el('td', {}, since(dev.connected_since)),
          el('td', { class: 'num' }, dev.inflight),
        ),
      );
    }
    if ((d.count || 0) > (d.devices || []).length)
      devices.push(
        el(
          'tr',
          {},
          el('td', { class: 'muted', colspan: 5 }, `${id}: ${d.count} devices, first ${d.devices.length} shown`),
        ),
      );
  }
  fill(document.querySelector('#devices tbody'), devices, 5);
}

function originText(o) {
  const parts = [];
  if (o.topic !== undefined) parts.push(`topic ${o.topic}`);
  if (o.transport !== undefined) parts.push(o.transport);
  if (o.client !== undefined) parts.push(`from ${o.client}`);
  return parts.length > 0 ? parts.join(' ') : 'origin unknown';
}

function renderDrops(snap) {
  const d = snap.drops;
  const note = document.getElementById('drops-note');
  if (!d.enabled)
    note.textContent = 'Samples are off (drop_samples.enabled: false); the dropped rates above still count.';
  else if (!d.payloads) note.textContent = 'Payloads are not kept (drop_samples.payloads: false).';
  else note.textContent = d.groups.length === 0 ? 'Nothing dropped since the console started.' : '';
  const groups = d.groups.map((g) => {
    const div = el('div', { class: 'drop-group', 'data-reason': g.reason, 'data-component': g.component });
    div.append(
      el(
        'h3',
        {},
        `${g.reason} `,
        el('span', { class: 'muted' }, `${g.component} · ${g.total} dropped · last ${since(g.last)}`),
      ),
    );
    for (const s of g.samples) {
      const sample = el('div', { class: 'sample', 'data-topic': s.origin.topic });
      const head = [new Date(s.time).toLocaleTimeString(), originText(s.origin)];
      if (s.count > 1) head.push(`${s.count} items`);
      if (s.path) head.push(`at ${s.path}`);
      sample.append(el('div', {}, head.join(' · ')));
      if (s.detail) sample.append(el('div', { class: 'error' }, s.detail));
      if (s.payload !== undefined) {
        const more = s.truncated ? ` (first bytes of ${s.payload_bytes})` : '';
        sample.append(el('pre', { title: `${s.payload_encoding}${more}` }, s.payload + (s.truncated ? ' …' : '')));
      }
      div.append(sample);
    }
    return div;
  });
  document.getElementById('drops').replaceChildren(...groups);
}

function renderRuntime(snap) {
  const b = snap.build;
  document.getElementById('build').textContent = `v${b.version} · Node ${b.node} · up ${fmtAge(b.uptime_s)}`;
  const items = [
    ['version', b.version],
    ['Node', b.node],
    ['platform', b.platform],
    ['process', b.pid],
    ['started', b.started_at],
    ['uptime', fmtAge(b.uptime_s)],
    ['memory (RSS)', fmtBytes(b.memory_rss_bytes)],
  ];
  document.getElementById('runtime').replaceChildren(...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const points = snap.components.find((c) => c.rates)?.rates.series.accepted.length || 0;
  document.getElementById('rate-window').textContent =
    `rates per second, one point every ${snap.refresh_interval_ms / 1000}s (${points} points)`;
}

function render(snap) {
  renderGraph(snap);
  renderComponents(snap);
  renderQueues(snap);
  renderConnections(snap);
  renderDrops(snap);
  renderRuntime(snap);
  document.body.dataset.snapshot = snap.time;
}

function setLive(state) {
  const live = document.getElementById('live');
  live.dataset.state = state;
  live.textContent = state;
}

function connect() {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('snapshot', (ev) => {
    setLive('live');
    try {
      render(JSON.parse(ev.data));
    } catch (err) {
      setLive(`render error: ${err.message}`);
    }
  });
  // EventSource reconnects by itself after a dropped connection (retry: 3000), but gives up for good on an answer
  // that is not a stream: a session that expired (401, then the login page on reload) or too many streams (503).
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) return setLive('reconnecting');
    setLive('disconnected');
    fetch('/api/v1/build', { credentials: 'same-origin' })
      .then((r) => (r.status === 401 ? window.location.reload() : setTimeout(connect, 5000)))
      .catch(() => setTimeout(connect, 5000));
  });
}

async function loadConfig() {
  const r = await fetch('/api/v1/config', { credentials: 'same-origin' });
  document.getElementById('config').textContent = r.ok ? await r.text() : `cannot load (${r.status})`;
}

document.addEventListener('DOMContentLoaded', () => {
  connect();
  document.getElementById('config-details').addEventListener('toggle', (ev) => {
    if (ev.target.open) loadConfig().catch((err) => (document.getElementById('config').textContent = String(err)));
  });
});
