// Components for driving the engine in tests: a source the test pushes data into, a sink that records what
// arrives (and can be told to fail), a messages->metrics converter and a mutating processor.
// Each call makes fresh factories with their own state, so tests stay independent.
import type {
  ExporterFactory,
  Factory,
  ProcessorFactory,
  ReceiverConsumers,
  ReceiverFactory,
} from '../../core/component.ts';
import type { Consumer } from '../../core/consumer.ts';
import { permanentError, retryableError } from '../../core/errors.ts';
import type { Messages, Signal, SignalData } from '../../core/pdata/index.ts';
import {
  metric,
  metrics,
  numberPoint,
  setAttribute,
  forEachSpan,
  forEachMetric,
  forEachLogRecord,
} from '../../core/pdata/index.ts';

export interface Sink {
  received: { signal: Signal; data: SignalData }[];
  /** Fail every consume with this kind of error until cleared. */
  fail: 'retryable' | 'permanent' | undefined;
  /** Resolve consume only once this promise resolves (to hold data in flight). */
  gate: Promise<void> | undefined;
  started: boolean;
  shutdowns: number;
}

export interface TestComponents {
  factories: Factory[];
  sources: Map<string, ReceiverConsumers>;
  sinks: Map<string, Sink>;
  lifecycle: string[];
}

const anyConfig = { type: 'object', additionalProperties: false, properties: { tag: { type: 'string', default: '' } } };

export function testComponents(): TestComponents {
  const t: TestComponents = { factories: [], sources: new Map(), sinks: new Map(), lifecycle: [] };
  const source = (type: string, signals: ReceiverFactory['signals']): ReceiverFactory => ({
    kind: 'receiver',
    type,
    stability: 'development',
    configSchema: anyConfig,
    signals,
    createReceiver(set, _cfg, next) {
      t.sources.set(set.id, next);
      return {
        start: async () => void t.lifecycle.push(`start receiver ${set.id}`),
        shutdown: async () => void t.lifecycle.push(`stop receiver ${set.id}`),
      };
    },
  });
  const sink: ExporterFactory = {
    kind: 'exporter',
    type: 'test_sink',
    stability: 'development',
    configSchema: anyConfig,
    signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
    createExporter(set) {
      const s: Sink = { received: [], fail: undefined, gate: undefined, started: false, shutdowns: 0 };
      t.sinks.set(set.id, s);
      const consumer = (signal: Signal): Consumer => ({
        async consume(data) {
          if (s.gate) await s.gate;
          if (s.fail === 'retryable') throw retryableError('sink told to fail');
          if (s.fail === 'permanent') throw permanentError('sink refuses');
          s.received.push({ signal, data });
        },
      });
      return {
        start: async () => {
          s.started = true;
          t.lifecycle.push(`start exporter ${set.id}`);
        },
        shutdown: async () => {
          s.shutdowns++;
          t.lifecycle.push(`stop exporter ${set.id}`);
        },
        traces: consumer('traces'),
        metrics: consumer('metrics'),
        logs: consumer('logs'),
      };
    },
  };
  // Each message becomes a gauge named after its payload; a payload "bad" is dropped as invalid.
  const converter: ProcessorFactory = {
    kind: 'processor',
    type: 'test_converter',
    stability: 'development',
    configSchema: anyConfig,
    signals: { metrics: { accepts: 'messages', emits: 'metrics' } },
    createProcessor(set, _cfg, next) {
      return {
        async consume(data, ctx) {
          const valid = (data as Messages).messages.filter((m) => Buffer.from(m.payload).toString() !== 'bad');
          if (valid.length === 0) return;
          await next.consume(
            metrics(
              valid.map((m) =>
                metric({
                  name: Buffer.from(m.payload).toString(),
                  gauge: { dataPoints: [numberPoint(1, m.receivedUnixNano)] },
                }),
              ),
            ),
            ctx,
          );
        },
        start: async () => void t.lifecycle.push(`start processor ${set.id}@${set.pipelineId}`),
        shutdown: async () => void t.lifecycle.push(`stop processor ${set.id}@${set.pipelineId}`),
      };
    },
  };
  // Sets attribute `mutated` on every record: proves the fan-out hands mutating consumers their own copy.
  const mutator: ProcessorFactory = {
    kind: 'processor',
    type: 'test_mutator',
    stability: 'development',
    configSchema: anyConfig,
    mutatesData: true,
    signals: {
      traces: { accepts: 'traces', emits: 'traces' },
      metrics: { accepts: 'metrics', emits: 'metrics' },
      logs: { accepts: 'logs', emits: 'logs' },
    },
    createProcessor(set, cfg, next) {
      const tag = (cfg as { tag: string }).tag || set.id;
      return {
        mutatesData: true,
        async consume(data, ctx) {
          if ('resourceSpans' in data) forEachSpan(data, (s) => setAttribute(s.attributes, 'mutated', tag));
          if ('resourceMetrics' in data)
            forEachMetric(
              data,
              (m) => void (m.gauge ?? m.sum)?.dataPoints.forEach((p) => setAttribute(p.attributes, 'mutated', tag)),
            );
          if ('resourceLogs' in data) forEachLogRecord(data, (r) => setAttribute(r.attributes, 'mutated', tag));
          await next.consume(data, ctx);
        },
        start: async () => void t.lifecycle.push(`start processor ${set.id}@${set.pipelineId}`),
        shutdown: async () => void t.lifecycle.push(`stop processor ${set.id}@${set.pipelineId}`),
      };
    },
  };
  t.factories.push(
    source('test_source', { traces: 'traces', metrics: 'metrics', logs: 'logs' }),
    source('test_message_source', { traces: 'messages', metrics: 'messages', logs: 'messages' }),
    sink,
    converter,
    mutator,
  );
  return t;
}
