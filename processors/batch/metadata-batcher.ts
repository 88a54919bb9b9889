// `metadata_keys`: one batch per distinct combination of the listed client metadata values (a tenant header the
// otlp receiver passed on with include_metadata), so data of different clients is never merged into one export, and
// each export carries those values on (ConsumeContext.metadata) for what follows. As the Collector, at most
// `metadata_cardinality_limit` combinations are batched at once and data bringing one more is refused; unlike the
// Collector, a combination's batch is dropped once nothing of it is pending or in flight, so the limit bounds the
// combinations active together, not every combination ever seen (which would refuse new tenants for good).
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ClientMetadata, ConsumeContext, Consumer } from '../../core/consumer.ts';
import { permanentError, retryableError } from '../../core/errors.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import { BatchProcessor, batchMetrics } from './batch.ts';
import type { BatchMetrics } from './batch.ts';
import type { BatchConfig } from './config.ts';
import { DEFAULT_METADATA_CARDINALITY_LIMIT } from './config.ts';

/** The Collector's message (errTooManyBatchers), a permanent error there too. */
export const TOO_MANY_BATCHERS = 'too many batcher metadata-value combinations';

export class MetadataBatcher implements Processor {
  readonly mutatesData = false;
  private readonly keys: string[];
  private readonly limit: number;
  private readonly shards = new Map<string, BatchProcessor>();
  private readonly metrics: BatchMetrics;
  private stopping: Promise<void> | undefined;
  private atLimit = false;

  constructor(
    private readonly settings: ProcessorCreateSettings,
    private readonly config: BatchConfig,
    private readonly next: Consumer,
  ) {
    this.keys = (config.metadata_keys ?? []).map((k) => k.toLowerCase());
    this.limit = config.metadata_cardinality_limit ?? DEFAULT_METADATA_CARDINALITY_LIMIT;
    this.metrics = batchMetrics(settings.telemetry, settings.id);
    const t = settings.telemetry;
    t.bindGauge(
      t.gauge({
        name: 'otelcol_processor_batch_metadata_cardinality',
        help: 'Number of distinct metadata value combinations being processed',
        labelNames: ['processor'],
      }),
      { processor: settings.id },
      () => this.shards.size,
    );
  }

  consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    if (this.stopping) return Promise.reject(retryableError(`${this.settings.id} is shut down`));
    let items: number;
    try {
      items = itemCount(this.settings.pipelineType, data);
    } catch (err) {
      return Promise.reject(err);
    }
    // Nothing to batch: a flush hint still releases what every batch holds, since the sender's data may be in any.
    if (items === 0) {
      if (ctx?.flush) for (const s of this.shards.values()) void s.consume(data, ctx);
      return Promise.resolve();
    }
    const values = this.keys.map((k) => ctx?.metadata?.[k] ?? []);
    const id = JSON.stringify(values);
    let shard = this.shards.get(id);
    if (!shard) {
      if (this.limit > 0 && this.shards.size >= this.limit) return Promise.reject(this.tooMany());
      shard = this.shard(id, values);
    }
    const settled = shard.consume(data, ctx);
    // Refused before it held anything (a sender that already gave up): no export will call onIdle for it.
    if (shard.idle && this.shards.get(id) === shard) this.shards.delete(id);
    return settled;
  }

  private shard(id: string, values: (readonly string[])[]): BatchProcessor {
    // What follows sees the values batched by, and only those (as the Collector's batch passes on).
    const metadata: Record<string, readonly string[]> = {};
    this.keys.forEach((k, i) => {
      const v = values[i];
      if (v && v.length > 0) metadata[k] = v;
    });
    const md: ClientMetadata = Object.freeze(metadata);
    const next: Consumer = {
      mutatesData: this.next.mutatesData ?? false,
      consume: (d, c) => this.next.consume(d, { ...c, metadata: md }),
    };
    const shard: BatchProcessor = new BatchProcessor(this.settings, this.config, next, {
      metrics: this.metrics,
      onIdle: () => {
        if (!this.stopping && this.shards.get(id) === shard && shard.idle) this.shards.delete(id);
      },
    });
    this.shards.set(id, shard);
    if (this.atLimit && this.shards.size < this.limit) this.atLimit = false;
    return shard;
  }

  private tooMany(): Error {
    if (!this.atLimit)
      this.settings.logger.warn('batch: metadata_cardinality_limit reached; data with new metadata values is refused', {
        metadata_keys: this.keys,
        metadata_cardinality_limit: this.limit,
      });
    this.atLimit = true;
    return permanentError(TOO_MANY_BATCHERS);
  }

  shutdown(): Promise<void> {
    this.stopping ??= Promise.all([...this.shards.values()].map((s) => s.shutdown())).then(() => undefined);
    return this.stopping;
  }
}

export function createBatcher(settings: ProcessorCreateSettings, config: BatchConfig, next: Consumer): Processor {
  return (config.metadata_keys ?? []).length > 0
    ? new MetadataBatcher(settings, config, next)
    : new BatchProcessor(settings, config, next);
}
