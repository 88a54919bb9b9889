// Issue 16's processors in one hub, as an operator configures them: examples/edge-processors/otelhub.yaml, unchanged.
// `otelhub validate` accepts it; then the official OpenTelemetry JS exporters of two tenants (HTTP/protobuf, a tenant
// header each) send traces, metrics and logs, and an independent OTLP/HTTP server checks every processor's effect:
// memory_limiter lets everything through under its limit (and says so on the reader), resource stamps the site and
// the tenant from the client's header, attributes hashes and deletes, filter drops the noise, transform rewrites, and
// batch never mixes two tenants in one export. (test/e2e-memory-limiter.test.ts shows the refusals under a real
// memory push.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { Logs, Metrics, Resource, Traces } from '../core/pdata/index.ts';
import { forEachLogRecord, forEachMetric, getAttribute } from '../core/pdata/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import type { Official } from './helpers/otlp-receiver-official-exporters.ts';
import {
  exportWith,
  makeLogs,
  makeMetrics,
  makeSpans,
  officialExporters,
  shutdownAll,
} from './helpers/otlp-receiver-official-exporters.ts';
import type { TestHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';
import { ROOT, runCli } from './helpers/process.ts';

const CONFIG = join(ROOT, 'examples/edge-processors/otelhub.yaml');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The tenant and site of every resource in one export. */
function stamps(data: Traces | Metrics | Logs): { tenant: unknown; site: unknown }[] {
  const resources: Resource[] =
    'resourceSpans' in data
      ? data.resourceSpans.map((r) => r.resource)
      : 'resourceMetrics' in data
        ? data.resourceMetrics.map((r) => r.resource)
        : data.resourceLogs.map((r) => r.resource);
  return resources.map((r) => ({
    tenant: getAttribute(r.attributes, 'tenant'),
    site: getAttribute(r.attributes, 'site'),
  }));
}

describe('the edge-processors example: every processor of issue 16 in one hub', () => {
  let server: TestHttpServer;
  let hub: TestHub;
  const tenants: Record<string, Official> = {};
  const env = () => ({
    OTLP_GRPC_ENDPOINT: 'localhost:0',
    OTLP_HTTP_ENDPOINT: 'localhost:0',
    METRICS_PORT: '0',
    SITE: 'plant-7',
    UPSTREAM_OTLP_ENDPOINT: server.url,
  });

  before(async () => {
    server = await startHttpServer();
    hub = await startTestHub(readFileSync(CONFIG, 'utf8'), { env: env() });
    const base = `http://${hub.endpoint('OTLP HTTP receiver listening')}`;
    for (const t of ['a', 'b']) tenants[t] = officialExporters('http/protobuf', base, { headers: { 'x-tenant': t } });
  });
  after(async () => {
    for (const o of Object.values(tenants)) await shutdownAll(o);
    await hub.shutdown();
    await server.close();
  });

  const received = <T>(signal: string): T[] =>
    server.calls.filter((c) => c.signal === signal).map((c) => c.data as unknown as T);

  it('validates unchanged: exit 0', async () => {
    const r = await runCli(['validate', '--config', CONFIG]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /configuration is valid \(3 pipelines\)/);
  });

  it('traces: stamped, redacted, the health span dropped, rewritten, one tenant per export', async () => {
    const a = tenants.a!;
    const b = tenants.b!;
    const results = await Promise.all([
      exportWith(a.traces, await makeSpans('keep')),
      exportWith(a.traces, await makeSpans('health')),
      exportWith(b.traces, await makeSpans('b')),
    ]);
    for (const r of results) assert.equal(r.code, ExportResultCode.SUCCESS, 'the filtered request succeeds too');
    await eventually(() => received<Traces>('traces').length >= 2, 'both tenants arrive');
    const spans: Record<string, unknown>[] = [];
    for (const t of received<Traces>('traces')) {
      assert.equal(new Set(stamps(t).map((s) => s.tenant)).size, 1, 'an export holds one tenant only');
      for (const rs of t.resourceSpans)
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              name: s.name,
              tenant: getAttribute(rs.resource.attributes, 'tenant'),
              site: getAttribute(rs.resource.attributes, 'site'),
              method: getAttribute(s.attributes, 'http.method'),
              retries: getAttribute(s.attributes, 'retries'),
              status: s.status.message,
            });
    }
    spans.sort((x, y) => String(x.name).localeCompare(String(y.name)));
    assert.deepEqual(spans, [
      { name: 'span-b', tenant: 'b', site: 'plant-7', method: undefined, retries: 4n, status: 'at plant-7' },
      { name: 'span-keep', tenant: 'a', site: 'plant-7', method: undefined, retries: 4n, status: 'at plant-7' },
    ]);
  });

  it('metrics: the latency histogram filtered out, the counter described', async () => {
    assert.equal((await exportWith(tenants.a!.metrics, await makeMetrics('m'))).code, ExportResultCode.SUCCESS);
    await eventually(() => received<Metrics>('metrics').length >= 1, 'metrics arrive');
    const names: [string, string][] = [];
    for (const md of received<Metrics>('metrics')) {
      assert.deepEqual(stamps(md), [{ tenant: 'a', site: 'plant-7' }]);
      forEachMetric(md, (m) => names.push([m.name, m.description]));
    }
    assert.deepEqual(names, [['requests-m', 'from the edge']]);
  });

  it('logs: the debug record dropped, the user hashed, the body rewritten', async () => {
    const b = tenants.b!;
    assert.equal((await exportWith(b.logs, await makeLogs('debug'))).code, ExportResultCode.SUCCESS);
    assert.equal((await exportWith(b.logs, await makeLogs('keep'))).code, ExportResultCode.SUCCESS);
    await eventually(() => received<Logs>('logs').length >= 1, 'the kept record arrives');
    const records: [unknown, unknown][] = [];
    for (const ld of received<Logs>('logs')) {
      assert.deepEqual(stamps(ld), [{ tenant: 'b', site: 'plant-7' }]);
      forEachLogRecord(ld, (r) => records.push([r.body, getAttribute(r.attributes, 'user')]));
    }
    assert.deepEqual(records, [[{ stringValue: 'hi-keep' }, sha256('u1')]]);
  });

  it('memory_limiter: under its limit, not refusing, as its reader metrics say', async () => {
    const metrics = hub.endpoint('serving internal metrics');
    const text = await (await fetch(metrics)).text();
    assert.match(text, /otelhub_processor_memory_limiter_refusing\{[^}]*\} 0/);
    const limit =
      /otelhub_processor_memory_limiter_limit_bytes\{[^}]*limit="soft"[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)/.exec(text);
    assert.ok(limit && Number(limit[1]) > 0, 'a soft limit from limit_percentage');
    const refused = [...text.matchAll(/otelcol_processor_refused_\w+_total\{[^}]*\} (\S+)/g)].map((m) => Number(m[1]));
    assert.ok(
      refused.every((n) => n === 0),
      `nothing refused: ${refused.join(', ')}`,
    );
  });
});
