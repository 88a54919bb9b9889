// What a workload does, and what a user checks, for the seed 004 hub example (run.sh and test/e2e-seed-004.test.ts):
// send metrics and logs with the official OpenTelemetry JS gRPC exporters over TLS with the bearer token, create the
// blob container, list and read the blobs, query Prometheus.
//   node --import tsx examples/seed-004-hub/client.ts send|create-container|blobs|query <promql>
// Settings from the environment: OTLP_URL (https://localhost:4317), CA_FILE, OTEL_RECEIVER_BEARER_TOKEN,
// AZURE_STORAGE_CONNECTION_STRING, PROMETHEUS_URL.
import { readFileSync } from 'node:fs';
import { Metadata, credentials } from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BlobServiceClient } from '@azure/storage-blob';

export interface ClientSettings {
  otlpUrl: string;
  caFile: string;
  token: string;
}

const resource = resourceFromAttributes({
  'service.name': 'opaque-workload',
  'service.namespace': 'opaque',
  'service.instance.id': 'worker-1',
});

/** One counter (3 jobs completed) and two log records, sent and flushed through the hub. */
export async function send(s: ClientSettings): Promise<void> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${s.token}`);
  const cfg = { url: s.otlpUrl, metadata, credentials: credentials.createSsl(readFileSync(s.caFile)) };
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(cfg),
    exportIntervalMillis: 60_000,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  meters.getMeter('opaque-jobs').createCounter('opaque.jobs.completed', { unit: '{job}' }).add(3, { queue: 'default' });
  const logs = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(cfg) })],
  });
  const logger = logs.getLogger('opaque-jobs');
  logger.emit({ severityNumber: SeverityNumber.INFO, body: 'job 1 completed' });
  logger.emit({ severityNumber: SeverityNumber.WARN, body: 'job 2 retried' });
  await Promise.all([meters.forceFlush(), logs.forceFlush()]);
  await Promise.all([meters.shutdown(), logs.shutdown()]);
}

export async function createContainer(connectionString: string, name = 'logs'): Promise<void> {
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).createIfNotExists();
}

/** Every blob in the container, with its text. */
export async function blobs(connectionString: string, name = 'logs'): Promise<{ name: string; text: string }[]> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
  const out: { name: string; text: string }[] = [];
  for await (const b of container.listBlobsFlat()) {
    const buf = await container.getBlobClient(b.name).downloadToBuffer();
    out.push({ name: b.name, text: buf.toString('utf8') });
  }
  return out;
}

export async function query(prometheusUrl: string, promql: string): Promise<unknown> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return ((await res.json()) as { data: { result: unknown } }).data.result;
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name}`);
  return v;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, arg] = process.argv.slice(2);
  const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  if (command === 'send')
    await send({ otlpUrl: env('OTLP_URL'), caFile: env('CA_FILE'), token: env('OTEL_RECEIVER_BEARER_TOKEN') });
  else if (command === 'create-container') await createContainer(env('AZURE_STORAGE_CONNECTION_STRING'));
  else if (command === 'blobs') print(await blobs(env('AZURE_STORAGE_CONNECTION_STRING')));
  else if (command === 'query') print(await query(env('PROMETHEUS_URL'), arg ?? 'opaque_jobs_completed_total'));
  else throw new Error('usage: client.ts send|create-container|blobs|query <promql>');
}
