// For the otlp receiver's tests: the official OpenTelemetry JS exporters (gRPC, HTTP/protobuf, HTTP/JSON) and data made
// by the official SDKs, exported directly so each test sees the exporter's own result.
import { Metadata, credentials } from '@grpc/grpc-js';
import { SeverityNumber, SpanKind } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogs } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogs } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetrics } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraces } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export type Transport = 'grpc' | 'http/protobuf' | 'http/json';
export const TRANSPORTS: readonly Transport[] = ['grpc', 'http/protobuf', 'http/json'];

export interface Official {
  traces: SpanExporter;
  metrics: PushMetricExporter;
  logs: LogRecordExporter;
}

export interface OfficialOptions {
  gzip?: boolean;
  headers?: Record<string, string>;
  /** PEM contents; cert and key for mTLS. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** The exporter's whole budget, retries included (its default is 10s). */
  timeoutMillis?: number;
}

/** `base` is the receiver's `scheme://host:port` for the transport. */
export function officialExporters(t: Transport, base: string, o: OfficialOptions = {}): Official {
  const compression = (o.gzip ? 'gzip' : 'none') as CompressionAlgorithm;
  const timeout = o.timeoutMillis === undefined ? {} : { timeoutMillis: o.timeoutMillis };
  if (t === 'grpc') {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(o.headers ?? {})) metadata.set(k, v);
    const creds = o.tls ? credentials.createSsl(o.tls.ca, o.tls.key ?? null, o.tls.cert ?? null) : undefined;
    const cfg = { url: base, compression, metadata, ...timeout, ...(creds ? { credentials: creds } : {}) };
    return { traces: new GrpcTraces(cfg), metrics: new GrpcMetrics(cfg), logs: new GrpcLogs(cfg) };
  }
  const common = {
    compression,
    headers: o.headers ?? {},
    ...timeout,
    ...(o.tls ? { httpAgentOptions: { ...o.tls } } : {}),
  };
  const url = (path: string) => ({ ...common, url: `${base}${path}` });
  if (t === 'http/json') {
    return {
      traces: new JsonTraces(url('/v1/traces')),
      metrics: new JsonMetrics(url('/v1/metrics')),
      logs: new JsonLogs(url('/v1/logs')),
    };
  }
  return {
    traces: new ProtoTraces(url('/v1/traces')),
    metrics: new ProtoMetrics(url('/v1/metrics')),
    logs: new ProtoLogs(url('/v1/logs')),
  };
}

export async function shutdownAll(o: Official): Promise<void> {
  await Promise.all([o.traces.shutdown(), o.metrics.shutdown(), o.logs.shutdown()]);
}

const resource = (tag: string) => resourceFromAttributes({ 'service.name': `svc-${tag}` });

/** One finished server span `span-<tag>` with attributes, an event and an error status. */
export async function makeSpans(tag: string): Promise<ReadableSpan[]> {
  const mem = new InMemorySpanExporter();
  const tp = new TracerProvider({
    resource: resource(tag),
    spanProcessors: [new SimpleSpanProcessor({ exporter: mem })],
  });
  const s = tp.getTracer('test-tracer', '1.0.0').startSpan(`span-${tag}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'GET', retries: 3, ratio: 0.5, ok: true, tags: ['a', 'b'] },
  });
  s.addEvent('checkpoint', { step: 1 });
  s.setStatus({ code: 2, message: 'boom' });
  s.end();
  await tp.forceFlush();
  const spans = mem.getFinishedSpans();
  await tp.shutdown();
  return spans;
}

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A counter `requests-<tag>` (5, route=/a) and a histogram `latency-<tag>` (12.5). */
export async function makeMetrics(tag: string): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const mp = new MeterProvider({ resource: resource(tag), readers: [reader] });
  const meter = mp.getMeter('test-meter', '1.0.0');
  meter.createCounter(`requests-${tag}`, { unit: '{request}' }).add(5, { route: '/a' });
  meter.createHistogram(`latency-${tag}`, { unit: 'ms' }).record(12.5, { route: '/a' });
  const { resourceMetrics } = await reader.collect();
  await mp.shutdown();
  return resourceMetrics;
}

/** One WARN record with body `hello-<tag>` and attribute user=u1. */
export async function makeLogs(tag: string): Promise<ReadableLogRecord[]> {
  const mem = new InMemoryLogRecordExporter();
  const lp = new LoggerProvider({
    resource: resource(tag),
    processors: [new SimpleLogRecordProcessor({ exporter: mem })],
  });
  lp.getLogger('test-logger', '1.0.0').emit({
    body: `hello-${tag}`,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    attributes: { user: 'u1' },
  });
  await lp.forceFlush();
  const records = mem.getFinishedLogRecords();
  await lp.shutdown();
  return records;
}

/** Resolves with the exporter's own result (its retries included). */
export function exportWith<T>(
  exporter: { export(items: T, cb: (r: ExportResult) => void): void },
  items: T,
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}
