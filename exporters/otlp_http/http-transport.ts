// OTLP/HTTP: one POST per request to the signal's URL, protobuf or JSON, gzip by default, over keep-alive
// connections. TLS applies to https URLs only; a plain http URL ignores the tls block, as the Collector does.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { loadClientTls } from '../../config/blocks/index.ts';
import { errorMessage, permanentError, retryableError } from '../../core/errors.ts';
import { otelhubUserAgent } from '../../core/version.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { encodeRequest, encodeRequestChunks, encodeRequestJson } from '../../otlp/index.ts';
import type { Transport } from '../helper/base-exporter.ts';
import { RequestSizeBound } from '../helper/request-size.ts';
import type { ExportData, SendResult } from '../helper/send.ts';
import type { OtlpHttpConfig } from './config.ts';
import { signalUrl } from './config.ts';
import { post } from './post.ts';
import { partialSuccessOf, responseFailure } from './response.ts';

const gzipAsync = promisify(gzip);

/** As the Collector's otlp_http exporter sends it, with otelhub's name and version. */
export const USER_AGENT = otelhubUserAgent();

const CONTENT_TYPE = { proto: 'application/x-protobuf', json: 'application/json' } as const;

/** Node reports a connection refused on every address of a name as an AggregateError without a message. */
function networkError(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return err.errors.map(errorMessage).join('; ');
  return errorMessage(err);
}

function bodyLength(body: Uint8Array | readonly Uint8Array[]): number {
  if (body instanceof Uint8Array) return body.byteLength;
  let n = 0;
  for (const c of body) n += c.byteLength;
  return n;
}

/** A URL as it may appear in errors and logs: no credentials, no query. */
function printable(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export class HttpTransport implements Transport {
  private readonly urls: Record<PipelineType, URL>;
  private readonly bound: RequestSizeBound;
  private httpAgent: http.Agent | undefined;
  private httpsAgent: https.Agent | undefined;

  constructor(private readonly cfg: OtlpHttpConfig) {
    this.bound = new RequestSizeBound(cfg.max_request_bytes);
    this.urls = { traces: signalUrl(cfg, 'traces'), metrics: signalUrl(cfg, 'metrics'), logs: signalUrl(cfg, 'logs') };
  }

  async start(): Promise<void> {
    const urls = Object.values(this.urls);
    if (urls.some((u) => u.protocol === 'https:')) {
      // insecure: true gives no options: still TLS, verified against the system's roots.
      const tls = await loadClientTls(this.cfg.tls);
      this.httpsAgent = new https.Agent({ keepAlive: true, ...tls });
    }
    if (urls.some((u) => u.protocol === 'http:')) this.httpAgent = new http.Agent({ keepAlive: true });
  }

  async send(data: ExportData, signal: PipelineType, authHeaders: Record<string, string>): Promise<SendResult> {
    const url = this.urls[signal];
    const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    if (!agent) throw retryableError('exporter is not started');
    const expected = this.bound.beforeEncoding(signal, data);
    // Uncompressed protobuf goes out in the pieces it is held in (a merge of received requests: see
    // encodeRequestChunks); everything else as one buffer.
    let body: Uint8Array | readonly Uint8Array[];
    let length: number;
    try {
      if (this.cfg.encoding === 'json') body = Buffer.from(encodeRequestJson(signal, data));
      else if (this.cfg.compression === 'gzip') body = encodeRequest(signal, data, expected);
      else body = encodeRequestChunks(signal, data, expected);
      length = bodyLength(body);
    } catch (err) {
      throw permanentError(`cannot encode ${signal}: ${errorMessage(err)}`, err);
    }
    this.bound.afterEncoding(signal, data, length);
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      ...this.cfg.headers,
      ...authHeaders,
      'content-type': CONTENT_TYPE[this.cfg.encoding],
    };
    if (this.cfg.compression === 'gzip') {
      body = await gzipAsync(body as Uint8Array);
      length = body.length;
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(length);
    const target = printable(url);
    let res;
    try {
      res = await post(url, agent, headers, body, this.cfg.timeout);
    } catch (err) {
      // Refused, reset, timed out, TLS handshake failed: the destination may be back later.
      throw retryableError(`export to ${target} failed: ${networkError(err)}`, { cause: err });
    }
    if (res.status < 200 || res.status > 299) {
      throw responseFailure(target, res);
    }
    try {
      const partialSuccess = partialSuccessOf(signal, res.body, res.headers['content-type'] ?? '');
      return partialSuccess ? { partialSuccess } : {};
    } catch {
      // The server took the request; an unreadable response body does not change that.
      return {};
    }
  }

  shutdown(): Promise<void> {
    this.httpAgent?.destroy();
    this.httpsAgent?.destroy();
    return Promise.resolve();
  }
}
