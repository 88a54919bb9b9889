// In-process pipeline overhead: spans/s through the engine (receiver fan-out, batch, exporter, with the hub's own
// counting) against handing the same batches straight to a sink, measured in the same run.
import type { Figures } from './measure.ts';
import { measure } from './measure.ts';
import type { ExporterFactory, ReceiverConsumers, ReceiverFactory } from '../core/component.ts';
import type { Consumer } from '../core/consumer.ts';
import { nopLogger } from '../core/logger.ts';
import type { Traces } from '../core/pdata/index.ts';
import { span, traces, spanCount } from '../core/pdata/index.ts';
import { Registry } from '../core/registry.ts';
import { Service } from '../core/service.ts';
import { batchFactory } from '../processors/batch/factory.ts';
import { validateConfig } from '../config/schema.ts';

// BENCH_SPANS_PER_REQUEST=1 shows what each consume call costs (the hub's counting is per call).
const SPANS_PER_REQUEST = Number(process.env.BENCH_SPANS_PER_REQUEST ?? 100);
// More than send_batch_size (8192) spans in flight, so batches fill by size rather than wait for the timeout.
const IN_FLIGHT = Math.max(256, Math.ceil((2 * 8192) / SPANS_PER_REQUEST));

function request(): Traces {
  return traces(Array.from({ length: SPANS_PER_REQUEST }, (_, i) => span({ name: `op-${i}` })));
}

/** Sends `total` spans with IN_FLIGHT requests outstanding, as many concurrent clients would. */
async function drive(next: Consumer, total: number): Promise<void> {
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < total) {
      sent += SPANS_PER_REQUEST;
      await next.consume(request());
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

export async function benchPipeline(total: number): Promise<Figures[]> {
  let received = 0;
  const sink: Consumer = { consume: async (d) => void (received += spanCount(d as Traces)) };
  const baseline = await measure('direct to sink (baseline)', total, () => drive(sink, total));

  let source: ReceiverConsumers | undefined;
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
  const service = new Service({
    config: {
      receivers: { bench_source: {} },
      processors: { batch: validateConfig(batchFactory.configSchema, {}).value },
      exporters: { bench_sink: {} },
      extensions: {},
      service: {
        extensions: [],
        pipelines: { traces: { receivers: ['bench_source'], processors: ['batch'], exporters: ['bench_sink'] } },
      },
    },
    registry: new Registry([sourceFactory, sinkFactory, batchFactory]),
    logger: nopLogger,
  });
  await service.start();
  received = 0;
  const hub = await measure('receiver -> batch -> exporter', total, () => drive(source!.byType.traces!, total));
  await service.shutdown();
  if (received < total) throw new Error(`lost spans: ${received} of ${total} arrived`);
  return [baseline, hub];
}
