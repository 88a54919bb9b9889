// Components load their heavy logic when they are created, not when the registry lists them: a hub that does not
// use gRPC never loads grpc-js (over a hundred modules with its dependencies, a few MiB of a small hub's memory).
// Nor does one without an mqtt receiver load mqtt.js.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT } from './helpers/process.ts';

const PROBE = fileURLToPath(new URL('./helpers/loaded-packages.ts', import.meta.url));

async function packagesLoadedBy(config: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--conditions=otelhub-source', PROBE, config],
    { cwd: ROOT },
  );
  return JSON.parse(stdout) as string[];
}

const hub = (protocol: 'http' | 'grpc', exporter: 'otlp_http' | 'otlp_grpc', endpoint: string): string =>
  `receivers:\n  otlp:\n    protocols:\n      ${protocol}: { endpoint: 127.0.0.1:0 }\n` +
  `exporters:\n  ${exporter}:\n    endpoint: ${endpoint}\n` +
  'service:\n  telemetry:\n    metrics: { level: none }\n' +
  `  pipelines:\n    traces: { receivers: [otlp], exporters: [${exporter}] }\n`;

await test('a hub that neither serves nor dials gRPC never loads grpc-js', async () => {
  const loaded = await packagesLoadedBy(hub('http', 'otlp_http', 'http://127.0.0.1:9'));
  assert.ok(loaded.includes('yaml'), `the probe sees the packages the hub loads: ${loaded.join(', ')}`);
  assert.ok(!loaded.includes('@grpc/grpc-js'), `loaded: ${loaded.join(', ')}`);
});

await test('the otlp receiver with a gRPC endpoint, and the otlp_grpc exporter, each load it', async () => {
  assert.ok((await packagesLoadedBy(hub('grpc', 'otlp_http', 'http://127.0.0.1:9'))).includes('@grpc/grpc-js'));
  assert.ok((await packagesLoadedBy(hub('http', 'otlp_grpc', '127.0.0.1:9'))).includes('@grpc/grpc-js'));
});

await test('mqtt.js and mqtt-packet load only in a hub with an mqtt receiver', async () => {
  const otlpOnly = await packagesLoadedBy(hub('http', 'otlp_http', 'http://127.0.0.1:9'));
  assert.ok(!otlpOnly.includes('mqtt') && !otlpOnly.includes('mqtt-packet'), `loaded: ${otlpOnly.join(', ')}`);
  const withMqtt =
    'receivers:\n  mqtt:\n    endpoint: mqtt://127.0.0.1:9\nprocessors:\n  schema: {}\n' +
    'exporters:\n  otlp_http:\n    endpoint: http://127.0.0.1:9\n' +
    'service:\n  telemetry:\n    metrics: { level: none }\n' +
    '  pipelines:\n    metrics: { receivers: [mqtt], processors: [schema], exporters: [otlp_http] }\n';
  assert.ok((await packagesLoadedBy(withMqtt)).includes('mqtt'));
});
