// The seed 004 hub end to end, exactly as examples/seed-004-hub/run.sh does it: the example's config unchanged (only
// its environment points it at local servers), a real Prometheus (remote-write receiver on) and a real Azurite, TLS
// with a certificate made here, the bearer token, and a workload sending with the official OpenTelemetry JS gRPC
// exporters. The metrics are found by PromQL, the logs in the blob container, one body per line.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blobs, createContainer, query, send } from '../examples/seed-004-hub/client.ts';
import type { Azurite } from './helpers/azurite.ts';
import { startAzurite } from './helpers/azurite.ts';
import { makeTestCerts } from './helpers/certs.ts';
import type { TestCerts } from './helpers/certs.ts';
import { eventually } from './helpers/hub.ts';
import { ROOT, startCli } from './helpers/process.ts';
import type { Running } from './helpers/process.ts';
import type { Prometheus } from './helpers/prometheus.ts';
import { startPrometheus } from './helpers/prometheus.ts';

const TOKEN = 'seed-004-token';

describe('seed 004 hub (examples/seed-004-hub): OTLP/gRPC with TLS and a token in, Prometheus and Azure Blob out', () => {
  let prom: Prometheus;
  let azurite: Azurite;
  let certs: TestCerts;
  let hub: Running;
  before(async () => {
    certs = makeTestCerts();
    [prom, azurite] = await Promise.all([startPrometheus(), startAzurite()]);
    await createContainer(azurite.connectionString);
    hub = startCli(['--config', join(ROOT, 'examples/seed-004-hub/otelhub.yaml')], {
      OTEL_RECEIVER_BEARER_TOKEN: TOKEN,
      OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
      TLS_CERT_FILE: certs.serverCertFile,
      TLS_KEY_FILE: certs.serverKeyFile,
      PROMETHEUS_REMOTE_WRITE_URL: prom.writeUrl,
      AZURE_BLOB_URL: azurite.blobEndpoint,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    await hub.waitForLog((l) => l.msg === 'everything is ready; begin running and processing data', 30_000);
  });
  after(async () => {
    hub.child.kill('SIGTERM');
    await hub.exited;
    await Promise.all([prom.stop(), azurite.stop()]);
    certs.cleanup();
  });

  it("runs the seed's config as written: old exporter names and the undeclared text_encoding are said once each", () => {
    const lines = hub.output().split('\n');
    for (const old of ['prometheusremotewrite', 'azureblob'])
      assert.equal(lines.filter((l) => l.includes(`exporter type \\"${old}\\" is deprecated`)).length, 1, old);
    assert.equal(lines.filter((l) => l.includes('extension \\"text_encoding\\" is used by')).length, 1);
  });

  it('delivers metrics to Prometheus and logs to the blob container', async () => {
    const listening = await hub.waitForLog((l) => l.msg === 'OTLP gRPC receiver listening');
    const port = String(listening.endpoint).split(':').pop();
    await send({ otlpUrl: `https://localhost:${port}`, caFile: certs.caFile, token: TOKEN });
    await eventually(
      async () => JSON.stringify(await query(prom.url, 'opaque_jobs_completed_total')).includes('"3"'),
      'the counter in Prometheus',
      30_000,
    );
    const [series] = (await query(prom.url, 'opaque_jobs_completed_total')) as { metric: Record<string, string> }[];
    assert.deepEqual(series?.metric, {
      __name__: 'opaque_jobs_completed_total',
      instance: 'worker-1',
      job: 'opaque/opaque-workload',
      otel_scope_name: 'opaque-jobs',
      queue: 'default',
    });
    await eventually(
      async () => (await blobs(azurite.connectionString)).length > 0,
      'a blob in container logs',
      30_000,
    );
    const all = await blobs(azurite.connectionString);
    assert.equal(all.map((b) => b.text).join(''), 'job 1 completed\njob 2 retried\n');
  });

  it('refuses a workload with a wrong token, and says so at warn without the token', async () => {
    const listening = await hub.waitForLog((l) => l.msg === 'OTLP gRPC receiver listening');
    const port = String(listening.endpoint).split(':').pop();
    // The SDK logs its failed exports and resolves forceFlush anyway: the hub's log is where the refusal shows.
    await send({ otlpUrl: `https://localhost:${port}`, caFile: certs.caFile, token: 'wrong-token' });
    const refused = await hub.waitForLog((l) => l.msg === 'refused a client for its credentials');
    assert.equal(refused.level, 'warn');
    assert.doesNotMatch(hub.output(), /wrong-token/);
  });
});
