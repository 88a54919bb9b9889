import type { Consumer, ConsumeContext, KeyValue, Processor, SignalData } from 'otelhub';
import { dataPointsOf, removeAttribute, setAttribute } from 'otelhub';
import type { RedactConfig } from './config.ts';

export class RedactProcessor implements Processor {
  readonly mutatesData = true;
  private readonly keys: Set<string>;
  // Plain fields, not parameter properties: erasable TypeScript that Node 26 runs without a compiler (see README).
  private readonly config: RedactConfig;
  private readonly next: Consumer;

  constructor(config: RedactConfig, next: Consumer) {
    this.config = config;
    this.next = next;
    this.keys = new Set(config.keys);
  }

  private redact(attrs: KeyValue[]): void {
    for (const key of this.keys) {
      if (this.config.delete) removeAttribute(attrs, key);
      else if (attrs.some((kv) => kv.key === key)) setAttribute(attrs, key, this.config.replacement);
    }
  }

  async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    if ('resourceSpans' in data) {
      for (const rs of data.resourceSpans) {
        this.redact(rs.resource.attributes);
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            this.redact(span.attributes);
            for (const ev of span.events) this.redact(ev.attributes);
          }
        }
      }
    } else if ('resourceMetrics' in data) {
      for (const rm of data.resourceMetrics) {
        this.redact(rm.resource.attributes);
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics) for (const p of dataPointsOf(m)) this.redact(p.attributes);
      }
    } else if ('resourceLogs' in data) {
      for (const rl of data.resourceLogs) {
        this.redact(rl.resource.attributes);
        for (const sl of rl.scopeLogs) for (const r of sl.logRecords) this.redact(r.attributes);
      }
    }
    // Always pass the data on, with the same context, and return the downstream promise: that is what lets the
    // receiver know when the data is safe.
    await this.next.consume(data, ctx);
  }
}
