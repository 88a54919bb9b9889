// OTLP codec speed: a 512-span ExportTraceServiceRequest encoded and decoded by otelhub's codec, against the official
// OTel JS serializer (ProtobufTraceSerializer.serializeRequest, the first figure: the baseline), in the same run.
// The spans come from the real SDK, so both sides serialize the same content (the pdata is decoded from the
// official bytes).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeRequest, decodeRequestJson, encodeRequest, encodeRequestJson } from '../otlp/index.ts';

const SPANS = 512;
const ROUNDS = 5;
const ROUND_MS = 300;

function sdkSpans(n: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'host.name': 'edge-1', 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('bench-scope', '1.0.0');
  const parent = tracer.startSpan('request');
  const ctx = trace.setSpan(ROOT_CONTEXT, parent);
  for (let i = 0; i < n - 1; i++) {
    const s = tracer.startSpan(
      `GET /things/${i % 16}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'url.path': `/things/${i}`,
          'http.response.status_code': 200,
          'server.port': 8080,
          retry: false,
          ratio: 0.25,
        },
      },
      ctx,
    );
    s.addEvent('cache.lookup', { hit: i % 2 === 0 });
    s.setStatus({ code: SpanStatusCode.OK });
    s.end();
  }
  parent.end();
  return exporter.getFinishedSpans();
}

/** Best operations per second over interleaved rounds, so that a noisy neighbour hurts every candidate alike. */
function measure(candidates: [string, () => unknown][]): { name: string; opsPerSec: number }[] {
  const best = new Map<string, number>(candidates.map(([name]) => [name, 0]));
  for (const [, fn] of candidates) for (let i = 0; i < 20; i++) fn();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of candidates) {
      const t0 = process.hrtime.bigint();
      let ops = 0;
      let elapsed = 0;
      while (elapsed < ROUND_MS) {
        fn();
        ops++;
        elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
      }
      best.set(name, Math.max(best.get(name) ?? 0, (ops * 1000) / elapsed));
    }
  }
  return candidates.map(([name]) => ({ name, opsPerSec: best.get(name) ?? 0 }));
}

export async function benchCodec(): Promise<{ name: string; opsPerSec: number }[]> {
  const spans = sdkSpans(SPANS);
  const official = ProtobufTraceSerializer.serializeRequest(spans);
  if (!official) throw new Error('the official serializer produced nothing');
  const data = decodeRequest('traces', official);
  const ours = encodeRequest('traces', data);
  const json = encodeRequestJson('traces', data);
  await new Promise((resolve) => setImmediate(resolve));
  return measure([
    [
      `official ProtobufTraceSerializer encode, ${SPANS} spans (baseline)`,
      () => ProtobufTraceSerializer.serializeRequest(spans),
    ],
    ['otelhub encodeRequest (protobuf)', () => encodeRequest('traces', data)],
    ['otelhub decodeRequest (protobuf)', () => decodeRequest('traces', ours)],
    ['otelhub encodeRequestJson', () => encodeRequestJson('traces', data)],
    ['otelhub decodeRequestJson', () => decodeRequestJson('traces', json)],
  ]);
}
