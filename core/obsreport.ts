// Counting around components, done by the hub so that every component (built-in or a user's) reports the
// Collector's metric names without writing a line for it.
import type { Consumer, ConsumeContext } from './consumer.ts';
import { retryableError } from './errors.ts';
import type { Signal, SignalData } from './pdata/index.ts';
import { ITEM_NAME, itemCount } from './pdata/index.ts';
import type { Telemetry } from './telemetry.ts';

/** Which signal a batch is, from its shape. */
export function signalOf(data: SignalData): Signal {
  if ('resourceSpans' in data) return 'traces';
  if ('resourceMetrics' in data) return 'metrics';
  if ('resourceLogs' in data) return 'logs';
  return 'messages';
}

function counterPair(t: Telemetry, prefix: string, ok: string, failed: string, signal: Signal, labels: string[]) {
  const item = ITEM_NAME[signal];
  return {
    ok: t.counter({
      name: `${prefix}_${ok}_${item}_total`,
      help: `Number of ${item} ${ok.replace('_', ' ')}.`,
      labelNames: labels,
    }),
    failed: t.counter({
      name: `${prefix}_${failed}_${item}_total`,
      help: `Number of ${item} ${failed.replace('_', ' ')}.`,
      labelNames: labels,
    }),
  };
}

/** Runs `inner`, then counts `n` items as ok, or as failed (rethrowing) when it rejected. */
async function countOutcome(
  c: ReturnType<typeof counterPair>,
  labels: Record<string, string>,
  n: number,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    c.failed.inc(labels, n);
    throw err;
  }
  c.ok.inc(labels, n);
}

/** Counts what a receiver hands to its pipelines: accepted when the pipelines took it, refused otherwise. */
export function receiverObs(t: Telemetry, receiverId: string, inner: Consumer): Consumer {
  return {
    mutatesData: false,
    // async, as every consume here: whatever throws becomes a rejection.
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      const signal = signalOf(data);
      const c = counterPair(t, 'otelcol_receiver', 'accepted', 'refused', signal, ['receiver', 'transport']);
      const labels = { receiver: receiverId, transport: ctx?.transport ?? '' };
      return countOutcome(c, labels, itemCount(signal, data), () => inner.consume(data, ctx));
    },
  };
}

/** Counts what an exporter sent and failed to send. */
export function exporterObs(t: Telemetry, exporterId: string, signal: Signal, inner: Consumer): Consumer {
  const c = counterPair(t, 'otelcol_exporter', 'sent', 'send_failed', signal, ['exporter']);
  const labels = { exporter: exporterId };
  return {
    mutatesData: inner.mutatesData ?? false,
    consume: async (data: SignalData, ctx?: ConsumeContext): Promise<void> =>
      countOutcome(c, labels, itemCount(signal, data), () => inner.consume(data, ctx)),
  };
}

/** otelcol_processor_{incoming,outgoing}_items_total: items by processor, pipeline and signal. */
function processorItems(t: Telemetry, direction: 'incoming' | 'outgoing', processorId: string, pipelineId: string) {
  const counter = t.counter({
    name: `otelcol_processor_${direction}_items_total`,
    help:
      direction === 'incoming'
        ? 'Number of items passed to the processor.'
        : 'Number of items emitted from the processor.',
    labelNames: ['processor', 'pipeline', 'otel_signal'],
  });
  return (data: SignalData): void => {
    const signal = signalOf(data);
    counter.inc({ processor: processorId, pipeline: pipelineId, otel_signal: signal }, itemCount(signal, data));
  };
}

/**
 * Counts items into and out of a processor, and refuses data (retryably, so nothing is lost) once the processor
 * has been shut down: a user's processor need not guard against late calls itself.
 */
export function processorObs(
  t: Telemetry,
  processorId: string,
  pipelineId: string,
  inner: Consumer,
  isStopped: () => boolean,
): Consumer {
  const count = processorItems(t, 'incoming', processorId, pipelineId);
  return {
    mutatesData: inner.mutatesData ?? false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      if (isStopped()) throw retryableError(`processor ${processorId} in pipeline ${pipelineId} is shut down`);
      count(data);
      await inner.consume(data, ctx);
    },
  };
}

/** Counts what a processor emits (wraps the `next` it is given). */
export function processorOutObs(t: Telemetry, processorId: string, pipelineId: string, next: Consumer): Consumer {
  const count = processorItems(t, 'outgoing', processorId, pipelineId);
  return {
    mutatesData: next.mutatesData ?? false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      count(data);
      await next.consume(data, ctx);
    },
  };
}
