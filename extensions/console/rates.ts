// Per-component rates over the last minutes, for the sparklines: every refresh_interval the hub's own counters are
// read (the same registry /metrics serves) and each component's per-second rate since the last reading is pushed
// into a ring of fixed length. Memory is components x series x points, all bounded.
import type { MetricValue } from 'prom-client';
import type { Telemetry } from '../../core/telemetry.ts';

/** accepted / refused / dropped / sent, named for what each kind does (receivers accept, exporters send). */
export type SeriesName = 'accepted' | 'refused' | 'dropped' | 'sent';
export const SERIES: readonly SeriesName[] = ['accepted', 'refused', 'dropped', 'sent'];

/** The series a counter feeds, from its name; undefined for counters that are not item flows. */
function seriesOf(name: string): SeriesName | undefined {
  if (/^otelcol_receiver_accepted_/.test(name) || name === 'otelcol_processor_incoming_items_total') return 'accepted';
  if (/^otelcol_receiver_refused_/.test(name) || /^otelcol_exporter_send_failed_/.test(name)) return 'refused';
  if (/^otelcol_exporter_sent_/.test(name) || name === 'otelcol_processor_outgoing_items_total') return 'sent';
  // Every otelhub counter of items dropped or rejected, whatever the component (schema, mqtt, exporters).
  if (/_(dropped|rejected)_[a-z_]*total$/.test(name) || /_dropped_total$/.test(name)) return 'dropped';
  return undefined;
}

/** The status board's key for the component a sample is about (`processor:id@pipeline` for processors). */
function componentOf(labels: MetricValue<string>['labels']): string | undefined {
  const { receiver, processor, exporter, pipeline } = labels;
  if (typeof receiver === 'string') return `receiver:${receiver}`;
  if (typeof exporter === 'string') return `exporter:${exporter}`;
  if (typeof processor === 'string')
    return `processor:${processor}${typeof pipeline === 'string' ? `@${pipeline}` : ''}`;
  return undefined;
}

export interface ComponentRates {
  /** Items per second, oldest first, one point per refresh_interval (fewer until the history has filled). */
  series: Record<SeriesName, number[]>;
  /** Totals since the hub started. */
  totals: Record<SeriesName, number>;
}

const zeros = (): Record<SeriesName, number> => ({ accepted: 0, refused: 0, dropped: 0, sent: 0 });

export class RateHistory {
  private readonly rates = new Map<string, ComponentRates>();
  private lastAt: number | undefined;
  private last = new Map<string, Record<SeriesName, number>>();

  constructor(
    private readonly telemetry: Telemetry,
    private readonly points: number,
  ) {}

  /** Reads the counters now and appends one point per component and series. */
  async sample(now = performance.now()): Promise<void> {
    const metrics = await this.telemetry.registry.getMetricsAsJSON();
    const totals = new Map<string, Record<SeriesName, number>>();
    for (const m of metrics) {
      if (String(m.type) !== 'counter') continue;
      const series = seriesOf(m.name);
      if (!series) continue;
      for (const v of m.values) {
        const c = componentOf(v.labels);
        if (!c) continue;
        let t = totals.get(c);
        if (!t) totals.set(c, (t = zeros()));
        t[series] += v.value;
      }
    }
    const dt = this.lastAt === undefined ? 0 : (now - this.lastAt) / 1000;
    for (const [c, t] of totals) {
      let r = this.rates.get(c);
      if (!r) this.rates.set(c, (r = { series: { accepted: [], refused: [], dropped: [], sent: [] }, totals: t }));
      r.totals = t;
      const prev = this.last.get(c);
      if (dt <= 0) continue;
      for (const s of SERIES) {
        const arr = r.series[s];
        // Three decimals: a sparkline needs no more, and every page gets every point every refresh.
        arr.push(Math.round(Math.max(0, (t[s] - (prev?.[s] ?? 0)) / dt) * 1000) / 1000);
        if (arr.length > this.points) arr.splice(0, arr.length - this.points);
      }
    }
    this.last = totals;
    this.lastAt = now;
  }

  /** Every component's rates so far (copies). */
  snapshot(): Record<string, ComponentRates> {
    const out: Record<string, ComponentRates> = {};
    for (const [c, r] of this.rates)
      out[c] = {
        totals: { ...r.totals },
        series: {
          accepted: [...r.series.accepted],
          refused: [...r.series.refused],
          dropped: [...r.series.dropped],
          sent: [...r.series.sent],
        },
      };
    return out;
  }
}
