// The schema converter: broker messages carrying the AIO OpenTelemetry JSON schema become OTLP metrics (in a metrics
// pipeline) or logs (in a logs pipeline). Every message of one consume call goes downstream as one batch, and the
// call settles with that batch's promise, so a receiver acknowledges only what was delivered. Invalid items are
// dropped, counted and logged rate-limited; their valid siblings go on.
import type { ValidateFunction } from 'ajv';
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { permanentError } from '../../core/errors.ts';
import type { InstrumentationScope, Message, Resource, SignalData } from '../../core/pdata/index.ts';
import { attributes, scope } from '../../core/pdata/index.ts';
import type { SchemaConfig } from './config.ts';
import { LogsBuilder } from './convert-logs.ts';
import { MetricsBuilder } from './convert-metrics.ts';
import { CumulativeState } from './cumulative.ts';
import { customSchemaProblem, loadCustomSchema } from './custom-schema.ts';
import { resolveResource } from './instance-id.ts';
import { messageContext } from './item-context.ts';
import type { ItemValidators, Problem } from './payload-schema.ts';
import { compileItemValidators } from './payload-schema.ts';
import { readPayload } from './read-payload.ts';
import { schemaMetrics } from './self-metrics.ts';

export const SCOPE_NAME = 'otelhub/processor/schema';

type Signal = 'metrics' | 'logs';

export class SchemaProcessor implements Processor {
  readonly mutatesData = false;
  private readonly signal: Signal;
  private readonly validators: ItemValidators;
  private readonly custom: ValidateFunction | undefined;
  private readonly cumulative: CumulativeState | undefined;
  private readonly drops: DropReporter;
  private readonly evictions: DropReporter;
  private readonly metrics: ReturnType<typeof schemaMetrics>;
  private readonly resourceAttributes: SchemaConfig['resource_attributes'];

  constructor(
    settings: ProcessorCreateSettings,
    private readonly config: SchemaConfig,
    private readonly next: Consumer,
  ) {
    if (settings.pipelineType === 'traces')
      throw new Error('the schema processor converts messages into metrics or logs, not traces');
    this.signal = settings.pipelineType;
    this.validators = compileItemValidators();
    if (config.json_schema_file !== undefined) {
      const loaded = loadCustomSchema(config.json_schema_file);
      // validate() checked the file; it can only fail here if it changed since.
      if (!loaded.ok) throw new Error(`json_schema_file: ${loaded.message}`);
      this.custom = loaded.validate;
    }
    this.metrics = schemaMetrics(settings.telemetry, settings.id, settings.pipelineId, this.signal);
    this.drops = new DropReporter(settings.logger, {
      counter: this.metrics.dropped,
      labels: this.metrics.labels,
      message: `dropped invalid ${this.signal} from messages`,
      samples: { to: settings.telemetry.inspector.drops, component: `processor:${settings.id}@${settings.pipelineId}` },
    });
    this.evictions = new DropReporter(settings.logger, { message: 'evicted cumulative series (max_series reached)' });
    const resource = resolveResource(config);
    this.resourceAttributes = resource.attributes;
    if (resource.added) {
      settings.logger.info(
        'cumulative counters are per replica: resource service.instance.id set so replicas do not collide (set resource_attributes.service.instance.id, or default_instance_id: none, to choose otherwise)',
        { 'service.instance.id': resource.added.value, from: resource.added.from },
      );
    }
    if (this.signal === 'metrics' && config.counter_temporality === 'cumulative') {
      this.cumulative = new CumulativeState(config.max_series, (n) => {
        this.metrics.evicted.inc(this.metrics.labels, n);
        this.evictions.drop('max_series', n, { max_series: config.max_series });
      });
    }
  }

  // A fresh resource and scope per batch: a processor downstream that declares mutatesData may change them in place,
  // and shared objects would carry its changes into every later batch (core/consumer.ts: it owns the batch).
  private envelope(): { resource: Resource; scope: InstrumentationScope } {
    return {
      resource: { attributes: attributes(this.resourceAttributes), droppedAttributesCount: 0 },
      scope: scope(SCOPE_NAME),
    };
  }

  async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    // The pipeline check lets only messages reach a converter; anything else can never be converted.
    if (!('messages' in data)) throw permanentError('the schema processor accepts messages only');
    const builder =
      this.signal === 'metrics'
        ? new MetricsBuilder({
            temporality: this.config.counter_temporality,
            bounds: this.config.histogram_bounds,
            validate: this.validators.metric,
            cumulative: this.cumulative,
          })
        : new LogsBuilder(this.validators.log);
    for (const m of data.messages) this.convert(m, builder);
    this.metrics.gaugeSeries(this.cumulative?.size);
    // Nothing valid for this pipeline: settled at once, as deliberately dropped (each drop was counted).
    if (builder.count === 0) return;
    this.metrics.converted.inc(builder.count);
    try {
      const batch = this.envelope();
      await this.next.consume(builder.build(batch.resource, batch.scope), ctx);
    } catch (err) {
      // Not delivered: the sender keeps the messages and sends them again, so their increments must not stay in
      // the running totals. The error itself goes back unchanged (retryable stays retryable).
      builder.undo();
      throw err;
    }
  }

  private convert(m: Message, builder: MetricsBuilder | LogsBuilder): void {
    const read = readPayload(m.payload);
    if (!read.ok) return this.drop(m, { reason: read.reason, path: '', message: read.message });
    const { value, raw } = read.payload;
    if (this.custom) {
      const p = customSchemaProblem(this.custom, value);
      if (p) return this.drop(m, p);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.drop(m, { reason: 'invalid_schema', path: '', message: 'payload must be a JSON object' });
    }
    const body = value as Record<string, unknown>;
    if (body.metrics === undefined && body.logs === undefined) {
      return this.drop(m, { reason: 'invalid_schema', path: '', message: 'payload needs a metrics or a logs array' });
    }
    // The other signal's array is the other pipeline's business: this one neither converts nor judges it.
    const items = body[this.signal];
    if (items === undefined) return;
    if (!Array.isArray(items))
      return this.drop(m, { reason: 'invalid_schema', path: `/${this.signal}`, message: 'must be an array' });
    const ctx = messageContext(m, raw, this.config);
    items.forEach((item: unknown, i) => {
      const problem = builder.add(item, i, ctx);
      if (problem) this.drop(m, problem);
    });
  }

  /** Counts and logs (rate-limited) a drop: the topic and where, never the payload. */
  private drop(m: Message, p: Problem): void {
    this.drops.drop(
      p.reason,
      1,
      { topic: m.topic, path: p.path, error: p.message },
      { origin: { topic: m.topic }, payload: m.payload, path: p.path, detail: p.message },
    );
  }

  async shutdown(): Promise<void> {
    this.drops.close();
    this.evictions.close();
  }
}
