// include_metadata: the client's headers (HTTP) or call metadata (gRPC) travel with its data, keys lower-cased, every
// value kept; off by default. Sent by the official OTel JS exporters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { PROTO, send } from '../../test/helpers/otlp-receiver-http-client.ts';
import {
  TRANSPORTS,
  exportWith,
  makeSpans,
  officialExporters,
  shutdownAll,
} from '../../test/helpers/otlp-receiver-official-exporters.ts';
import { encodeRequest } from '../../otlp/index.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';

const protocols = (include: boolean) => ({
  protocols: {
    grpc: { endpoint: 'localhost:0', include_metadata: include },
    http: { endpoint: 'localhost:0', include_metadata: include },
  },
});

describe('otlp receiver: include_metadata', () => {
  for (const t of TRANSPORTS) {
    it(`${t}: passes the client's metadata on, keys lower-cased; nothing without include_metadata`, async () => {
      for (const include of [true, false]) {
        const h = await startReceiver(protocols(include));
        const exp = officialExporters(t, t === 'grpc' ? h.grpcUrl : h.httpUrl, { headers: { 'X-Tenant': 'acme' } });
        try {
          const r = await exportWith(exp.traces, await makeSpans(`m-${t}`));
          assert.equal(r.code, ExportResultCode.SUCCESS);
          const md = h.rec.ctxs[0]?.metadata;
          if (!include) assert.equal(md, undefined);
          else {
            assert.deepEqual(md?.['x-tenant'], ['acme']);
            assert.ok(!Object.keys(md ?? {}).some((k) => k !== k.toLowerCase()), 'lower-case keys');
          }
        } finally {
          await shutdownAll(exp);
          await h.stop();
        }
      }
    });
  }

  it('http: a header sent twice keeps both values, in order', async () => {
    const h = await startReceiver(protocols(true));
    try {
      const body = encodeRequest('traces', sampleTraces());
      const res = await send(`${h.httpUrl}/v1/traces`, {
        headers: { ...PROTO, 'x-tenant': ['a', 'b'] },
        body,
      });
      assert.equal(res.status, 200);
      assert.deepEqual(h.rec.ctxs[0]?.metadata?.['x-tenant'], ['a', 'b']);
    } finally {
      await h.stop();
    }
  });
});
