// Scrapes host and process metrics on a timer, like a small part of the Collector's hostmetrics receiver. A scrape
// the pipeline refuses is dropped, not retried: the next one reads the same values again, only fresher.
import type { CreateSettings, Receiver } from '../../core/component.ts';
import type { Consumer } from '../../core/consumer.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Metric, Metrics } from '../../core/pdata/index.ts';
import { dataPointCount, metrics, nowUnixNano, resource, scope } from '../../core/pdata/index.ts';
import type { HostmetricsConfig, ScraperName } from './config.ts';
import type { HostSource, Scraper } from './scrapers.ts';
import { SCRAPERS, nodeHost } from './scrapers.ts';

export const SCOPE_NAME = 'otelhub/receiver/hostmetrics';

export interface HostmetricsOptions {
  /** Replaces Node's `os` and `process` readings. */
  host?: HostSource;
}

export class HostmetricsReceiver implements Receiver {
  private readonly host: HostSource;
  private readonly scrapers: [ScraperName, Scraper][];
  private readonly processStart: bigint;
  private startTime = 0n;
  private started = false;
  private stopped = false;
  private delayTimer: NodeJS.Timeout | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: HostmetricsConfig,
    private readonly next: Consumer,
    opts: HostmetricsOptions = {},
  ) {
    this.host = opts.host ?? nodeHost;
    this.scrapers = Object.keys(config.scrapers).map((name) => [name as ScraperName, SCRAPERS[name as ScraperName]]);
    this.processStart = nowUnixNano() - BigInt(Math.round(this.host.processUptime() * 1e9));
  }

  start(): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve();
    this.started = true;
    this.startTime = nowUnixNano();
    // Unref'd: the hub keeps the process alive on its own, and a receiver a test forgot must not.
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      if (this.stopped) return;
      this.tick();
      this.intervalTimer = setInterval(() => this.tick(), this.config.collection_interval);
      this.intervalTimer.unref();
    }, this.config.initial_delay);
    this.delayTimer.unref();
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.delayTimer);
    clearInterval(this.intervalTimer);
    this.delayTimer = undefined;
    this.intervalTimer = undefined;
    await this.inFlight;
  }

  /** One batch with the metrics of every configured scraper, read now. */
  scrape(): Metrics {
    const t = { now: nowUnixNano(), start: this.startTime, processStart: this.processStart };
    const list: Metric[] = [];
    for (const [name, scraper] of this.scrapers) {
      try {
        list.push(...scraper(this.host, t));
      } catch (err) {
        // One broken reading (a platform without load averages) must not cost the others.
        this.settings.logger.warn('scraper failed', { scraper: name, error: errorMessage(err) });
      }
    }
    // The Collector's hostmetrics leaves the resource empty: processors (resourcedetection) fill it in.
    return metrics(list, resource(), scope(SCOPE_NAME));
  }

  private tick(): void {
    if (this.stopped) return;
    // Overlapping sends would only pile up behind a slow pipeline; the skipped values come back next time.
    if (this.inFlight) {
      this.settings.logger.debug('previous scrape still being sent; skipping this one');
      return;
    }
    const md = this.scrape();
    if (dataPointCount(md) === 0) return;
    // Cleared in a later microtask, so never before it is set, even if consume fails synchronously.
    this.inFlight = this.send(md).finally(() => {
      this.inFlight = undefined;
    });
  }

  private async send(md: Metrics): Promise<void> {
    try {
      await this.next.consume(md);
    } catch (err) {
      // At most one line per scrape, and so per interval: no further rate limiting needed.
      this.settings.logger.warn('scraped metrics refused by the pipeline; dropped', {
        data_points: dataPointCount(md),
        error: errorMessage(err),
      });
    }
  }
}
