// The processor's own metrics. Shared by every instance (the telemetry registry registers each name once); the
// labels tell instances and pipelines apart. What is counted per message goes through handles bound once.
import type { CounterHandle } from '../../core/telemetry.ts';
import type { Telemetry } from '../../core/telemetry.ts';

export const SPANS = 'otelhub_processor_correlation_spans_total';
export const GENERATED = 'otelhub_processor_correlation_generated_total';
export const DROPPED = 'otelhub_processor_correlation_dropped_total';

export type Outcome = 'correlated' | 'generated' | 'failed' | 'sampled_out';

export function correlationMetrics(t: Telemetry, processor: string, pipeline: string) {
  const labels = { processor, pipeline };
  const spans = t.counter({
    name: SPANS,
    help: 'Messages converted, by outcome: a span with the payload ID, with a generated ID, recording a drop, or none (sampled out).',
    labelNames: ['processor', 'pipeline', 'outcome'],
  });
  const generated = t.counter({
    name: GENERATED,
    help: 'Spans whose correlation ID was generated, by why the payload had none.',
    labelNames: ['processor', 'pipeline', 'reason'],
  });
  const outcomes = new Map<Outcome, CounterHandle>();
  const reasons = new Map<string, CounterHandle>();
  return {
    labels,
    dropped: t.counter({
      name: DROPPED,
      help: 'Messages dropped as invalid (no correlation ID and allow_generated false), by reason.',
      labelNames: ['processor', 'pipeline', 'reason'],
    }),
    outcome(o: Outcome): void {
      let h = outcomes.get(o);
      if (!h) outcomes.set(o, (h = t.bindCounter(spans, { ...labels, outcome: o })));
      h.inc();
    },
    generated(reason: string): void {
      let h = reasons.get(reason);
      if (!h) reasons.set(reason, (h = t.bindCounter(generated, { ...labels, reason })));
      h.inc();
    },
  };
}
