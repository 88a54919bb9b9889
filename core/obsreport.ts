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
    ok: t.counter({ name: `${prefix}_${ok}_${item}_total`, help: `Number of ${item} ${ok.replace('_', ' ')}.`, labelNames: labels }),
    failed: t.counter({ name: `${prefix}_${failed}_${item}_total`, help: `Number of ${item} ${failed.replace('_', ' ')}.`, labelNames: labels }),
  };
}

/** Counts what a receiver hands to its pipelines: accepted when the pipelines took it, refused otherwise. */
export function receiverObs(t: Telemetry, receiverId: string, inner: Consumer): Consumer {
  return {
    mutatesData: false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      const signal = signalOf(data);
      const n = itemCount(signal, data);
      const c = counterPair(t, 'otelcol_receiver', 'accepted', 'refused', signal, ['receiver', 'transport']);
      const labels = { receiver: receiverId, transport: ctx?.transport ?? '' };
      try {
        await inner.consume(data, ctx);
      } catch (err) {
        c.failed.inc(labels, n);
        throw err;
      }
      c.ok.inc(labels, n);
    },
  };
}

/** Counts what an exporter sent and failed to send. */
export function exporterObs(t: Telemetry, exporterId: string, signal: Signal, inner: Consumer): Consumer {
  const c = counterPair(t, 'otelcol_exporter', 'sent', 'send_failed', signal, ['exporter']);
  const labels = { exporter: exporterId };
  return {
    mutatesData: inner.mutatesData ?? false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      const n = itemCount(signal, data);
      try {
        await inner.consume(data, ctx);
      } catch (err) {
        c.failed.inc(labels, n);
        throw err;
      }
      c.ok.inc(labels, n);
    },
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
  const incoming = t.counter({
    name: 'otelcol_processor_incoming_items_total',
    help: 'Number of items passed to the processor.',
    labelNames: ['processor', 'pipeline', 'otel_signal'],
  });
  return {
    mutatesData: inner.mutatesData ?? false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      if (isStopped()) throw retryableError(`processor ${processorId} in pipeline ${pipelineId} is shut down`);
      const signal = signalOf(data);
      incoming.inc({ processor: processorId, pipeline: pipelineId, otel_signal: signal }, itemCount(signal, data));
      await inner.consume(data, ctx);
    },
  };
}

/** Counts what a processor emits (wraps the `next` it is given). */
export function processorOutObs(t: Telemetry, processorId: string, pipelineId: string, next: Consumer): Consumer {
  const outgoing = t.counter({
    name: 'otelcol_processor_outgoing_items_total',
    help: 'Number of items emitted from the processor.',
    labelNames: ['processor', 'pipeline', 'otel_signal'],
  });
  return {
    mutatesData: next.mutatesData ?? false,
    async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
      const signal = signalOf(data);
      outgoing.inc({ processor: processorId, pipeline: pipelineId, otel_signal: signal }, itemCount(signal, data));
      await next.consume(data, ctx);
    },
  };
}
