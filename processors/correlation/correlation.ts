// The correlation converter: each broker message becomes one `mqtt.receive` span carrying the message's
// correlation ID, as the MQTT-to-OpenTelemetry trace exporter made them. Every span of one consume call goes
// downstream as one batch and the call settles with that batch's promise, so a receiver acknowledges a message
// only once its span was delivered. A message with no ID while generation is disabled is dropped as invalid:
// counted, logged rate-limited, and still given a span that records the drop.
import { randomUUID } from 'node:crypto';
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { permanentError } from '../../core/errors.ts';
import type { Message, SignalData, Span } from '../../core/pdata/index.ts';
import { attributes, nowUnixNano, scope, traces } from '../../core/pdata/index.ts';
import type { CorrelationConfig } from './config.ts';
import { otelhubVersion } from '../../core/version.ts';
import type { Extraction } from './correlation-id.ts';
import { extractCorrelationId, fieldSegments } from './correlation-id.ts';
import { ratioThreshold, shouldSample } from './sampler.ts';
import { correlationMetrics } from './self-metrics.ts';
import type { Correlation, SpanOptions } from './span-builder.ts';
import { buildSpan, failureMessage, spanIds } from './span-builder.ts';
import type { SpanParts } from './span-parts.ts';
import { FRESH, sharedParts } from './span-parts.ts';
import { remoteParent } from './trace-context.ts';

export class CorrelationProcessor implements Processor {
  readonly mutatesData = false;
  private readonly path: string[];
  private readonly threshold: bigint;
  private readonly spanOptions: SpanOptions;
  private readonly version = otelhubVersion();
  private readonly metrics: ReturnType<typeof correlationMetrics>;
  private readonly drops: DropReporter;
  private readonly parts: SpanParts;

  constructor(
    settings: ProcessorCreateSettings,
    private readonly config: CorrelationConfig,
    private readonly next: Consumer,
  ) {
    if (settings.pipelineType !== 'traces')
      throw new Error('the correlation processor converts messages into traces only');
    this.path = fieldSegments(config.field_name);
    this.threshold = ratioThreshold(config.sampling_ratio);
    this.spanOptions = { fieldName: config.field_name, semconv: config.semconv };
    this.parts = settings.downstreamReadOnly === true ? sharedParts() : FRESH;
    this.metrics = correlationMetrics(settings.telemetry, settings.id, settings.pipelineId);
    this.drops = new DropReporter(settings.logger, {
      counter: this.metrics.dropped,
      labels: this.metrics.labels,
      message: 'dropped invalid messages (no correlation ID, allow_generated is false)',
      samples: { to: settings.telemetry.inspector.drops, component: `processor:${settings.id}@${settings.pipelineId}` },
    });
  }

  async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    // The pipeline check lets only messages reach a converter; anything else can never be converted.
    if (!('messages' in data)) throw permanentError('the correlation processor accepts messages only');
    const now = nowUnixNano();
    const spans: Span[] = [];
    for (const m of data.messages) {
      const s = this.convert(m, now);
      if (s) spans.push(s);
    }
    // Everything sampled out: settled at once, each counted.
    if (spans.length === 0) return;
    // A fresh resource and scope per batch: a mutating processor downstream may change them in place.
    const resource = { attributes: attributes(this.config.resource_attributes), droppedAttributesCount: 0 };
    return this.next.consume(traces(spans, resource, scope(this.config.scope_name, this.version)), ctx);
  }

  private convert(m: Message, now: bigint): Span | undefined {
    const parent = this.config.trace_context ? remoteParent(m) : undefined;
    const ids = spanIds(parent);
    const sampled = shouldSample(ids.traceId, this.threshold, parent);
    // With generation on every message gets an ID, so a sampled-out one needs no reading. With it off, the payload
    // is read anyway: whether the message is dropped as invalid does not depend on sampling.
    if (!sampled && this.config.allow_generated) {
      this.metrics.outcome('sampled_out');
      return undefined;
    }
    const correlation = this.correlate(extractCorrelationId(m.payload, this.path));
    if (correlation.kind === 'failed') {
      const error = failureMessage(correlation.reason);
      this.drops.drop(
        correlation.reason,
        1,
        { topic: m.topic, error },
        { origin: { topic: m.topic }, payload: m.payload, detail: error },
      );
    }
    if (!sampled) {
      this.metrics.outcome('sampled_out');
      return undefined;
    }
    if (correlation.kind === 'payload') this.metrics.outcome('correlated');
    else if (correlation.kind === 'generated') {
      this.metrics.outcome('generated');
      this.metrics.generated(correlation.reason);
    } else this.metrics.outcome('failed');
    return buildSpan(m, ids, correlation, this.spanOptions, now, this.parts);
  }

  private correlate(x: Extraction): Correlation {
    if (x.ok) return { kind: 'payload', id: x.id };
    if (this.config.allow_generated) return { kind: 'generated', id: randomUUID(), reason: x.reason };
    return { kind: 'failed', reason: x.reason };
  }

  async shutdown(): Promise<void> {
    this.drops.close();
  }
}
