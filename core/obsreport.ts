// Counting around components, done by the hub so that every component (built-in or a user's) reports the
// Collector's metric names without writing a line for it.
import type { Consumer, ConsumeContext } from './consumer.ts';
import { retryableError } from './errors.ts';
import type { Signal, SignalData } from './pdata/index.ts';
import { ITEM_NAME, itemCount } from './pdata/index.ts';
import type { CounterHandle, Telemetry } from './telemetry.ts';

/** Which signal a batch is, from its shape. */
export function signalOf(data: SignalData): Signal {
  if ('resourceSpans' in data) return 'traces';
  if ('resourceMetrics' in data) return 'metrics';
  if ('resourceLogs' in data) return 'logs';
  return 'messages';
}

interface CounterPair {
  ok: CounterHandle;
  failed: CounterHandle;
}

/** The ok and failed counters of `signal`, bound to `labels`. */
function counterPair(
  t: Telemetry,
  prefix: string,
  ok: string,
  failed: string,
  signal: Signal,
  labels: Record<string, string>,
): CounterPair {
  const item = ITEM_NAME[signal];
  const labelNames = Object.keys(labels);
  const counter = (outcome: string) =>
    t.bindCounter(
      t.counter({
        name: `${prefix}_${outcome}_${item}_total`,
        help: `Number of ${item} ${outcome.replace('_', ' ')}.`,
        labelNames,
      }),
      labels,
    );
  return { ok: counter(ok), failed: counter(failed) };
}

/** Runs `inner`, then counts `n` items as ok, or as failed (rethrowing) when it rejected. */
async function countOutcome(c: CounterPair, n: number, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    c.failed.inc(n);
    throw err;
  }
  c.ok.inc(n);
}

/** Counts what a receiver hands to its pipelines: accepted when the pipelines took it, refused otherwise. */
export function receiverObs(t: Telemetry, receiverId: string, inner: Consumer): Consumer {
  // Bound on first use: a receiver sends one or two signals over one or two transports.
  const pairs = new Map<string, CounterPair>();
  const pairFor = (signal: Signal, transport: string): CounterPair => {
    const key = `${signal}/${transport}`;
    let c = pairs.get(key);
    if (!c) {
      c = counterPair(t, 'otelcol_receiver', 'accepted', 'refused', signal, { receiver: receiverId, transport });
      pairs.set(key, c);
    }
    return c;
  };
  return {
    mutatesData: false,
    // async, as every consume here: whatever throws becomes a rejection.
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      const signal = signalOf(data);
      const c = pairFor(signal, ctx?.transport ?? '');
      return countOutcome(c, itemCount(signal, data), () => inner.consume(data, ctx));
    },
  };
}

/** Counts what an exporter sent and failed to send. */
export function exporterObs(t: Telemetry, exporterId: string, signal: Signal, inner: Consumer): Consumer {
  const c = counterPair(t, 'otelcol_exporter', 'sent', 'send_failed', signal, { exporter: exporterId });
  return {
    mutatesData: inner.mutatesData ?? false,
    consume: async (data: SignalData, ctx?: ConsumeContext): Promise<void> =>
      countOutcome(c, itemCount(signal, data), () => inner.consume(data, ctx)),
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
  const bound = new Map<Signal, CounterHandle>();
  return (data: SignalData): void => {
    const signal = signalOf(data);
    let h = bound.get(signal);
    if (!h) {
      h = t.bindCounter(counter, { processor: processorId, pipeline: pipelineId, otel_signal: signal });
      bound.set(signal, h);
    }
    h.inc(itemCount(signal, data));
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
