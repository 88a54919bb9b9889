// For the otlp receiver's tests: what must arrive when the official exporters send the data
// otlp-receiver-official-exporters.ts makes.
import assert from 'node:assert/strict';
import { ExportResultCode } from '@opentelemetry/core';
import type {
  LogRecord,
  Logs,
  Metric,
  Metrics,
  ResourceSpans,
  ScopeSpans,
  Span,
  Traces,
} from '../../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, forEachSpan, getAttribute, toHex, valueOf } from '../../core/pdata/index.ts';
import type { Harness, Recorder } from './otlp-receiver-harness.ts';
import {
  exportWith,
  makeLogs,
  makeMetrics,
  makeSpans,
  officialExporters,
  shutdownAll,
} from './otlp-receiver-official-exporters.ts';
import type { OfficialOptions, Transport } from './otlp-receiver-official-exporters.ts';

export function findSpan(rec: Pick<Recorder, 'got'>, name: string) {
  for (const d of rec.got.traces) {
    let found: { s: Span; ss: ScopeSpans; rs: ResourceSpans } | undefined;
    forEachSpan(d as Traces, (s, ss, rs) => {
      if (s.name === name) found = { s, ss, rs };
    });
    if (found) return found;
  }
  return undefined;
}

export function findMetric(rec: Pick<Recorder, 'got'>, name: string) {
  for (const d of rec.got.metrics) {
    let found: Metric | undefined;
    forEachMetric(d as Metrics, (m) => {
      if (m.name === name) found = m;
    });
    if (found) return found;
  }
  return undefined;
}

export function findLog(rec: Pick<Recorder, 'got'>, body: string) {
  for (const d of rec.got.logs) {
    let found: LogRecord | undefined;
    forEachLogRecord(d as Logs, (l) => {
      if (valueOf(l.body) === body) found = l;
    });
    if (found) return found;
  }
  return undefined;
}

/** Sends all three signals with the official exporter for `t` and checks what the recorder got. */
export async function sendAndCheck(h: Harness, t: Transport, tag: string, opts: OfficialOptions = {}): Promise<void> {
  const ex = officialExporters(t, t === 'grpc' ? h.grpcUrl : h.httpUrl, opts);
  try {
    const spans = await makeSpans(tag);
    const metrics = await makeMetrics(tag);
    const logs = await makeLogs(tag);
    assert.equal((await exportWith(ex.traces, spans)).code, ExportResultCode.SUCCESS, 'traces exported');
    assert.equal((await exportWith(ex.metrics, metrics)).code, ExportResultCode.SUCCESS, 'metrics exported');
    assert.equal((await exportWith(ex.logs, logs)).code, ExportResultCode.SUCCESS, 'logs exported');

    const sent = spans[0]!;
    const got = findSpan(h.rec, `span-${tag}`);
    assert.ok(got, 'span arrived');
    assert.equal(toHex(got.s.traceId), sent.spanContext().traceId);
    assert.equal(toHex(got.s.spanId), sent.spanContext().spanId);
    assert.equal(getAttribute(got.s.attributes, 'http.method'), 'GET');
    assert.equal(getAttribute(got.s.attributes, 'retries'), 3n);
    assert.equal(getAttribute(got.s.attributes, 'ratio'), 0.5);
    assert.equal(getAttribute(got.s.attributes, 'ok'), true);
    assert.deepEqual(getAttribute(got.s.attributes, 'tags'), ['a', 'b']);
    assert.equal(got.s.events[0]?.name, 'checkpoint');
    assert.deepEqual(got.s.status, { code: 2, message: 'boom' });
    assert.equal(got.ss.scope.name, 'test-tracer');
    assert.equal(getAttribute(got.rs.resource.attributes, 'service.name'), `svc-${tag}`);

    const counter = findMetric(h.rec, `requests-${tag}`);
    const point = counter?.sum?.dataPoints[0];
    assert.ok(point, 'counter point arrived');
    assert.equal(counter.sum?.isMonotonic, true);
    assert.equal(Number(point.asInt ?? point.asDouble), 5);
    assert.equal(getAttribute(point.attributes, 'route'), '/a');
    const hist = findMetric(h.rec, `latency-${tag}`)?.histogram?.dataPoints[0];
    assert.equal(hist?.count, 1);
    assert.equal(hist.sum, 12.5);

    const log = findLog(h.rec, `hello-${tag}`);
    assert.ok(log, 'log arrived');
    assert.equal(log.severityText, 'WARN');
    assert.equal(getAttribute(log.attributes, 'user'), 'u1');
  } finally {
    await shutdownAll(ex);
  }
}
