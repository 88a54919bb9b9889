// Remote write 1.0: each export is translated to series, cut into requests of at most max_batch_size_bytes, each a
// snappy-compressed prometheus.WriteRequest POSTed with the protocol's headers, up to
// max_batch_request_parallelism at once. Answers map as for OTLP/HTTP (exporters/otlp_http/response.ts): 429 and
// 502-504 retried, 400 (out of order, too old, duplicate) refused and bisected by the split sender down to the
// points Prometheus refuses on their own; what translation leaves out is counted by reason.
import http from 'node:http';
import https from 'node:https';
import snappy from 'snappyjs';
import { loadClientTls } from '../../config/blocks/index.ts';
import type { CreateSettings } from '../../core/component.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { Logger } from '../../core/logger.ts';
import { errorMessage, retryableError } from '../../core/errors.ts';
import type { Metrics, PipelineType } from '../../core/pdata/index.ts';
import type { Transport } from '../helper/base-exporter.ts';
import type { ExportData, SendResult } from '../helper/send.ts';
import { post } from '../otlp_http/post.ts';
import { responseFailure } from '../otlp_http/response.ts';
import type { PrwConfig } from './config.ts';
import { strategyOf } from './config.ts';
import { MetricNamer } from './names.ts';
import type { Metadata, Series, TranslateOptions } from './translate.ts';
import { translate } from './translate.ts';
import { encodeWriteRequest, seriesSize } from './write-request.ts';

/** Prometheus' answer (500) to a native histogram when the feature is off. */
const NATIVE_HISTOGRAMS_OFF = /native histograms are disabled/i;

export const USER_AGENT = 'otelhub-prometheus-remote-write-exporter';
const PROTOCOL_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

/** Series cut into groups of at most `max` encoded bytes (a series larger than that goes alone). */
export function cutBySize(series: Series[], max: number): Series[][] {
  const out: Series[][] = [];
  let current: Series[] = [];
  let size = 0;
  for (const s of series) {
    const n = seriesSize(s);
    if (current.length > 0 && size + n > max) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export class RemoteWriteTransport implements Transport {
  private readonly url: URL;
  private agent: http.Agent | undefined;
  private readonly opts: TranslateOptions;
  private readonly drops: DropReporter;
  private readonly logger: Logger;

  constructor(
    private readonly cfg: PrwConfig,
    settings: CreateSettings,
  ) {
    this.url = new URL(cfg.endpoint);
    const strategy = strategyOf(cfg);
    this.opts = {
      namer: new MetricNamer(cfg.namespace, strategy),
      escape: strategy.startsWith('UnderscoreEscaping'),
      externalLabels: Object.entries(cfg.external_labels).map(([name, value]) => ({ name, value })),
      resourceAttributes: cfg.resource_to_telemetry_conversion.enabled,
      scopeLabels: !cfg.disable_scope_info,
      targetInfo: cfg.target_info.enabled,
      sendMetadata: cfg.send_metadata,
      targetInfoSent: new Map(),
      nativeHistograms: true,
    };
    this.logger = settings.logger;
    const counter = settings.telemetry.counter({
      name: 'otelhub_exporter_prometheus_remote_write_dropped_points_total',
      help: 'Data points remote write 1.0 cannot carry, left out by reason (delta_temporality, exponential_histogram, invalid_name, empty).',
      labelNames: ['exporter', 'reason'],
    });
    this.drops = new DropReporter(settings.logger, {
      counter,
      labels: { exporter: settings.id },
      message: 'left out data points that Prometheus remote write 1.0 cannot carry',
    });
  }

  async start(): Promise<void> {
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ...(await loadClientTls(this.cfg.tls)) })
        : new http.Agent({ keepAlive: true });
  }

  async send(data: ExportData, _signal: PipelineType, authHeaders: Record<string, string>): Promise<SendResult> {
    const agent = this.agent;
    if (!agent) throw retryableError('exporter is not started');
    const t = translate(data as Metrics, this.opts);
    for (const [reason, n] of t.dropped) this.drops.drop(reason, n);
    if (t.series.length === 0 && t.metadata.length === 0) return {};
    const groups = cutBySize(t.series, this.cfg.max_batch_size_bytes);
    const headers = { 'user-agent': USER_AGENT, ...this.cfg.headers, ...authHeaders, ...PROTOCOL_HEADERS };
    const parallel = this.cfg.max_batch_request_parallelism ?? Math.max(1, this.cfg.remote_write_queue.num_consumers);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const i = next++;
        // Metadata rides with the first request only.
        await this.write(agent, groups[i] ?? [], i === 0 ? t.metadata : [], headers);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, groups.length)) }, worker));
    return {};
  }

  private async write(
    agent: http.Agent,
    series: Series[],
    metadata: Metadata[],
    headers: Record<string, string>,
  ): Promise<void> {
    const body = Buffer.from(snappy.compress(encodeWriteRequest(series, metadata)));
    const target = `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
    let res;
    try {
      res = await post(this.url, agent, { ...headers, 'content-length': String(body.length) }, body, this.cfg.timeout);
    } catch (err) {
      throw retryableError(`remote write to ${target} failed: ${errorMessage(err)}`, { cause: err });
    }
    if (res.status === 500 && this.opts.nativeHistograms && NATIVE_HISTOGRAMS_OFF.test(res.body.toString('utf8'))) {
      this.opts.nativeHistograms = false;
      this.logger.warn(
        'the destination has native histograms switched off (Prometheus: --enable-feature=native-histograms); exponential histograms are left out from now on, counted as exponential_histogram',
        { endpoint: target },
      );
      throw retryableError(
        `remote write to ${target}: native histograms are disabled there; sending again without them`,
      );
    }
    if (res.status >= 200 && res.status <= 299) return;
    const failure = responseFailure(target, res);
    // Remote write's rule (Prometheus' own sender's too): a 5xx is the server's trouble, retried; only a 4xx is about
    // the data (bisected by the split sender). Other exporters bisect a 500 as possibly data-dependent.
    if (res.status >= 500 && !failure.retryable) throw retryableError(failure.message);
    throw failure;
  }

  shutdown(): Promise<void> {
    this.drops.close();
    this.agent?.destroy();
    return Promise.resolve();
  }
}
