// Client metadata end to end: the otlp receiver passes a tenant header on (include_metadata), the batch processor
// batches per tenant (metadata_keys), and the destination, an independent OTLP/HTTP server, never gets an export
// mixing two tenants' spans, though the requests arrive together. Without metadata_keys the same requests merge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../core/pdata/index.ts';
import { forEachSpan, span, traces } from '../core/pdata/index.ts';
import { encodeRequest } from '../otlp/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import { PROTO, send } from './helpers/otlp-receiver-http-client.ts';
import { startHttpServer } from './helpers/otlp-http-exporter-server.ts';

async function run(batch: string): Promise<string[][]> {
  const dest = await startHttpServer();
  let release!: () => void;
  const first = new Promise<void>((r) => (release = r));
  // The first export waits until every request is in, so the rest gather behind it (group commit).
  dest.reply = async (_call, n) => {
    if (n === 0) await first;
    return undefined;
  };
  const h = await startTestHub(`
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0", include_metadata: true }
processors:
  batch: ${batch}
exporters:
  otlp_http:
    endpoint: ${dest.url}
service:
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
  try {
    const url = `http://${h.endpoint('OTLP HTTP receiver listening')}/v1/traces`;
    const replies = Array.from({ length: 8 }, (_, i) => {
      const tenant = i % 2 === 0 ? 'a' : 'b';
      const body = encodeRequest('traces', traces([span({ name: `${tenant}-${i}` })]));
      return send(url, { headers: { ...PROTO, 'X-Tenant': tenant }, body });
    });
    // Every request is in the batch processor (the first one's export held by the destination) before any export
    // settles.
    const telemetry = h.hub.service.telemetry;
    await eventually(
      async () => (await telemetry.value('otelcol_processor_incoming_items_total', { processor: 'batch' })) === 8,
      'all eight spans in the batch processor',
    );
    release();
    for (const r of await Promise.all(replies)) assert.equal(r.status, 200);
    return dest.calls.map((c) => {
      const names: string[] = [];
      forEachSpan(c.data as Traces, (s) => names.push(s.name));
      return names;
    });
  } finally {
    release();
    await h.shutdown();
    await dest.close();
  }
}

const tenantsOf = (names: string[]): Set<string> => new Set(names.map((n) => n.split('-')[0] ?? n));

describe('client metadata through the hub', () => {
  it('batch with metadata_keys: no export mixes tenants, every span arrives', async () => {
    const exports = await run('{ metadata_keys: [x-tenant] }');
    assert.equal(exports.flat().length, 8);
    for (const e of exports) assert.equal(tenantsOf(e).size, 1, `one tenant per export: ${e.join(',')}`);
  });

  it('without metadata_keys the same requests are merged across tenants', async () => {
    const exports = await run('{}');
    assert.equal(exports.flat().length, 8);
    assert.ok(exports.some((e) => tenantsOf(e).size === 2));
  });
});
