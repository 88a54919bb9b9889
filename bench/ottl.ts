// BENCH=ottl: what resource + attributes + transform (5 statements) + filter cost per span in a pipeline that decodes
// OTLP/protobuf at the receiver and encodes it at the exporter, against the same pipeline without them (and with the
// two OTTL processors alone). Issue 16's target: at most 1.5x the CPU per span.
import type { Figures } from './measure.ts';
import { measure } from './measure.ts';
import type { ExporterFactory, ReceiverConsumers, ReceiverFactory } from '../core/component.ts';
import type { Consumer } from '../core/consumer.ts';
import { nopLogger } from '../core/logger.ts';
import type { Traces } from '../core/pdata/index.ts';
import { attributes, resource, span, spanCount, traces } from '../core/pdata/index.ts';
import { Registry } from '../core/registry.ts';
import { Service } from '../core/service.ts';
import { validateConfig } from '../config/schema.ts';
import { decodeRequest, encodeRequest } from '../otlp/index.ts';
import { attributesFactory } from '../processors/attributes/factory.ts';
import { batchFactory } from '../processors/batch/factory.ts';
import { filterFactory } from '../processors/filter/factory.ts';
import { resourceFactory } from '../processors/resource/factory.ts';
import { transformFactory } from '../processors/transform/factory.ts';

const SPANS = 100;
// More than send_batch_size (8192) spans in flight, so batches fill by size rather than wait for the timeout.
const IN_FLIGHT = Math.ceil((2 * 8192) / SPANS);

const TRANSFORM = {
  trace_statements: [
    'set(span.attributes["tenant"], resource.attributes["tenant"])',
    'replace_pattern(span.attributes["http.url"], "token=[^&]*", "token=***")',
    'set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.response.status_code"] >= 500',
    'delete_key(span.attributes, "http.request.header.authorization")',
    'set(span.attributes["route.lower"], ToLowerCase(span.attributes["http.route"]))',
  ],
};
const FILTER = { trace_conditions: ['span.attributes["http.route"] == "/healthz"'] };
const RESOURCE = { attributes: [{ key: 'deployment.environment.name', value: 'edge', action: 'upsert' }] };
const ATTRIBUTES = {
  actions: [
    { key: 'net.peer.port', action: 'delete' },
    { key: 'user_agent.original', action: 'hash' },
  ],
};

/** One request of realistic spans (HTTP server spans with the usual attributes), encoded once. */
function requestBytes(): Uint8Array {
  const spans = Array.from({ length: SPANS }, (_, i) =>
    span({
      name: `GET /api/items/${i % 10}`,
      kind: 2,
      traceId: new Uint8Array(16).fill(i + 1),
      spanId: new Uint8Array(8).fill(i + 1),
      attributes: attributes({
        'http.request.method': 'GET',
        'http.route': i % 50 === 0 ? '/healthz' : '/api/items/{id}',
        'http.url': `https://shop.example/api/items/${i}?token=abc${i}&page=2`,
        'http.response.status_code': i % 20 === 0 ? 503 : 200,
        'http.request.header.authorization': 'Bearer xyz',
        'server.address': 'shop.example',
        'user_agent.original': 'Mozilla/5.0',
        'net.peer.port': 443,
      }),
    }),
  );
  return encodeRequest(
    'traces',
    traces(spans, resource({ 'service.name': 'shop', tenant: 'acme', 'host.name': 'edge-1' })),
  );
}

async function pipeline(name: string, processors: Record<string, unknown>, total: number): Promise<Figures> {
  const bytes = requestBytes();
  let source: ReceiverConsumers | undefined;
  let encoded = 0;
  const sink: Consumer = { consume: async (d) => void (encoded += encodeRequest('traces', d as Traces).byteLength) };
  const sourceFactory: ReceiverFactory = {
    kind: 'receiver',
    type: 'bench_source',
    stability: 'development',
    configSchema: { type: 'object' },
    signals: { traces: 'traces' },
    createReceiver: (_s, _c, next) => ((source = next), {}),
  };
  const sinkFactory: ExporterFactory = {
    kind: 'exporter',
    type: 'bench_sink',
    stability: 'development',
    configSchema: { type: 'object' },
    signals: { traces: 'traces' },
    createExporter: () => ({ traces: sink }),
  };
  const factories = [batchFactory, filterFactory, transformFactory, resourceFactory, attributesFactory];
  const configs = Object.fromEntries(
    Object.entries({ ...processors, batch: {} }).map(([id, cfg]) => {
      const f = factories.find((x) => x.type === id);
      if (!f) throw new Error(`no processor ${id}`);
      return [id, validateConfig(f.configSchema, cfg).value];
    }),
  );
  const service = new Service({
    config: {
      receivers: { bench_source: {} },
      processors: configs,
      exporters: { bench_sink: {} },
      extensions: {},
      service: {
        extensions: [],
        pipelines: {
          traces: { receivers: ['bench_source'], processors: Object.keys(configs), exporters: ['bench_sink'] },
        },
      },
    },
    registry: new Registry([sourceFactory, sinkFactory, ...factories]),
    logger: nopLogger,
  });
  await service.start();
  let sent = 0;
  const next = source!.byType.traces!;
  // Decoding here, as the otlp receiver decodes a request once a processor reads it.
  const worker = async (): Promise<void> => {
    while (sent < total) {
      sent += SPANS;
      const data = decodeRequest('traces', bytes);
      if (spanCount(data) !== SPANS) throw new Error('bad request');
      await next.consume(data, { flush: sent >= total });
    }
  };
  const figures = await measure(name, total, async () => {
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  });
  await service.shutdown();
  if (encoded === 0) throw new Error('nothing reached the exporter');
  return figures;
}

export async function benchOttl(total: number): Promise<Figures[]> {
  // A warm-up of each, so JIT compilation is not counted against the first.
  const all = { resource: RESOURCE, attributes: ATTRIBUTES, transform: TRANSFORM, filter: FILTER };
  await pipeline('warm-up', {}, total / 10);
  await pipeline('warm-up', all, total / 10);
  const baseline = await pipeline('decode -> batch -> encode', {}, total);
  const ottl = await pipeline('... transform (5) -> filter ...', { transform: TRANSFORM, filter: FILTER }, total);
  const everything = await pipeline('... resource -> attributes -> transform (5) -> filter ...', all, total);
  return [baseline, ottl, everything];
}
