// OTLP pass-through: the official OpenTelemetry JS exporter sends spans (HTTP/protobuf) through a hub (otlp
// receiver, batch, otlp_http exporter) to a sink, against the same exporter feeding the sink directly, in one run.
// Everything shares this process, so "CPU per 10k spans" is the whole process's; the difference is the hub's cost.
import type { Figures } from './measure.ts';
import { measure } from './measure.ts';
import { createServer } from 'node:http';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startHub } from '../cli/hub.ts';
import { spanCount } from '../core/pdata/index.ts';
import { decodeRequest } from '../otlp/index.ts';
import { listen } from '../core/net.ts';

const SPANS_PER_REQUEST = 512;
const CONCURRENCY = 8;

function makeSpans(): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const tp = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: mem })] });
  const tracer = tp.getTracer('bench');
  for (let i = 0; i < SPANS_PER_REQUEST; i++)
    tracer.startSpan(`op-${i % 16}`, { attributes: { 'http.route': `/r/${i % 32}`, n: i } }).end();
  return mem.getFinishedSpans();
}

/** A destination that answers 200 and counts spans; `countSpans` decodes each request unless given a cheaper way. */
export async function startSink(
  countSpans: (body: Buffer) => number = (body) => spanCount(decodeRequest('traces', body)),
): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      spans += countSpans(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => spans,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function drive(url: string, requests: number, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url, compression: 'none' as never, concurrencyLimit: CONCURRENCY * 2 });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < requests) {
      await new Promise<void>((resolve, reject) =>
        exporter.export(spans, (r) =>
          r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await exporter.shutdown();
}

async function throughHub(
  name: string,
  batch: string,
  sinkUrl: string,
  requests: number,
  spans: ReadableSpan[],
): Promise<Figures> {
  let endpoint = '';
  const hub = await startHub({
    configText: {
      name: 'bench',
      text: `receivers:\n  otlp:\n    protocols:\n      http: { endpoint: 127.0.0.1:0 }\nprocessors:\n  batch: ${batch}\nexporters:\n  otlp_http:\n    endpoint: ${sinkUrl}\n    compression: none\nservice:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }\n`,
    },
    logSink: {
      write: (l: string) => {
        const line = JSON.parse(l) as { msg: string; endpoint?: string };
        if (line.msg.startsWith('OTLP HTTP receiver listening')) endpoint = String(line.endpoint);
        return true;
      },
    },
  });
  const f = await measure(name, requests * SPANS_PER_REQUEST, () =>
    drive(`http://${endpoint}/v1/traces`, requests, spans),
  );
  await hub.shutdown();
  return f;
}

export async function benchOtlpPassthrough(requests: number): Promise<Figures[]> {
  const spans = makeSpans();
  const total = requests * SPANS_PER_REQUEST;
  const sink = await startSink();
  const baseline = await measure('official exporter -> sink', total, () =>
    drive(`${sink.url}/v1/traces`, requests, spans),
  );
  if (sink.count() !== total) throw new Error(`baseline lost spans: ${sink.count()} of ${total}`);

  const figures = [baseline];
  // The hub answers a client only once its batch was exported, so with fewer spans in flight than send_batch_size
  // every request waits for the batch timeout: the default config shows that cost, the second sizes the batch
  // to what the clients keep in flight.
  for (const [name, batch] of [
    ['official exporter -> hub (batch defaults) -> sink', '{}'],
    [`official exporter -> hub (send_batch_size 2048) -> sink`, '{ send_batch_size: 2048 }'],
  ] as const) {
    const before = sink.count();
    figures.push(await throughHub(name, batch, sink.url, requests, spans));
    if (sink.count() - before !== total) throw new Error(`${name} lost spans: ${sink.count() - before} of ${total}`);
  }
  await sink.close();
  return figures;
}
