// OTLP/HTTP: POST of an Export*ServiceRequest in protobuf or JSON to one path per signal, answered in the same
// encoding once the pipeline has settled the data.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { loadServerTls, startTlsReload } from '../../config/blocks/index.ts';
import type { ClientMetadata } from '../../core/consumer.ts';
import { ConfigKeyError } from '../../core/errors.ts';
import { listen, parseHostPort } from '../../core/net.ts';
import type { PipelineType, SignalData } from '../../core/pdata/index.ts';
import {
  JsonDepthScan,
  decodeRequestJson,
  encodeResponse,
  encodeResponseJson,
  receiveRequest,
} from '../../otlp/index.ts';
import type { HttpConfig } from './config.ts';
import { Cors } from './cors.ts';
import { RequestBudget } from './deadline.ts';
import { authenticate, consume, decode, endpointOf } from './export.ts';
import type { ExportDeps, Listening } from './export.ts';
import { DecodeSlots } from './decode-slots.ts';
import { decoderFor, readBody } from './http-body.ts';
import { guardHttpServer, httpServerOptions } from '../../config/blocks/index.ts';
import type { HttpGuard } from '../../config/blocks/index.ts';
import {
  GrpcStatus,
  RequestFailure,
  abortedFailure,
  badRequest,
  encodeStatus,
  internalFailure,
  retryAfterSeconds,
} from './status.ts';

type Encoding = 'proto' | 'json';
const DISCARD_LIMIT = 64 * 1024;
const CONTENT_TYPE: Record<Encoding, string> = { proto: 'application/x-protobuf', json: 'application/json' };

function encodingOf(header: string | undefined): Encoding | undefined {
  const media = (header ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === CONTENT_TYPE.proto) return 'proto';
  if (media === CONTENT_TYPE.json) return 'json';
  return undefined;
}

/** Refuses an OTLP/JSON body nested deeper than OTLP can be as it arrives, before it is buffered or parsed. */
function jsonDepthCheck(signal: PipelineType): (chunk: Buffer) => void {
  const scan = new JsonDepthScan();
  return (chunk) => {
    try {
      scan.bytes(chunk);
    } catch (err) {
      throw badRequest(`invalid OTLP/JSON ${signal} request: ${(err as Error).message}`);
    }
  };
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

class Handler {
  private readonly paths: Map<string, PipelineType>;
  private readonly cors: Cors;
  private readonly slots: DecodeSlots;
  closing = false;
  onIdle: () => void = () => {};
  guard: HttpGuard = { cutOff: () => false };

  constructor(
    private readonly cfg: HttpConfig,
    private readonly deps: ExportDeps,
  ) {
    this.paths = new Map([
      [cfg.traces_url_path, 'traces'],
      [cfg.metrics_url_path, 'metrics'],
      [cfg.logs_url_path, 'logs'],
    ]);
    this.cors = new Cors(cfg.cors);
    this.slots = new DecodeSlots(cfg.max_concurrent_decodes);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.once('finish', () => this.closing && this.onIdle());
    const enc = encodingOf(req.headers['content-type']);
    this.serve(req, res, enc).catch((err: unknown) => {
      try {
        this.fail(req, res, enc, internalFailure(err));
      } catch {
        res.destroy();
      }
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse, enc: Encoding | undefined): Promise<void> {
    if (this.cors.enabled && Cors.isPreflight(req)) {
      this.beforeHead(req, res);
      return this.cors.preflight(req, res);
    }
    this.cors.decorate(req, res);
    const path = pathOf(req.url);
    const signal = this.paths.get(path);
    if (!signal) throw new RequestFailure(404, GrpcStatus.UNIMPLEMENTED, 'unknown path');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new RequestFailure(405, GrpcStatus.UNIMPLEMENTED, `method ${req.method ?? ''} not allowed, only POST`);
    }
    const consumer = this.deps.consumers[signal];
    if (!consumer) throw new RequestFailure(404, GrpcStatus.UNIMPLEMENTED, `no pipeline receives ${signal}`);
    if (!enc)
      throw new RequestFailure(
        415,
        GrpcStatus.INVALID_ARGUMENT,
        `unsupported Content-Type, use ${CONTENT_TYPE.proto} or ${CONTENT_TYPE.json}`,
      );
    await authenticate(this.deps, req.headers);
    const data = await this.readAndDecode(req, res, signal, enc);
    // HTTP carries no deadline: the server's limit, and the client closing the connection before its answer.
    const budget = new RequestBudget(undefined, this.cfg.response_timeout);
    res.once('close', () => {
      if (!res.writableEnded) budget.clientGone();
    });
    await consume(consumer, data, 'http', budget, this.cfg.include_metadata ? clientMetadata(req) : undefined);
    // Taken, but the client left before hearing so (it will send again): the pipeline had it anyway.
    if (req.socket.destroyed) throw abortedFailure('closed before its answer; the data was taken');
    const out = enc === 'json' ? encodeResponseJson(signal) : encodeResponse(signal);
    this.beforeHead(req, res);
    res.writeHead(200, { 'content-type': CONTENT_TYPE[enc] }).end(out);
  }

  private reason(req: IncomingMessage, f: RequestFailure): string {
    return req.complete ? `closed while waiting for its answer (${f.detail ?? f.message})` : 'closed mid-body';
  }

  /** The body read and decoded while holding one of the receiver's decode slots. */
  private async readAndDecode(
    req: IncomingMessage,
    res: ServerResponse,
    signal: PipelineType,
    enc: Encoding,
  ): Promise<SignalData> {
    const decoder = decoderFor(req.headers['content-encoding']);
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    res.once('close', onClose);
    const release = await this.slots
      .acquire(this.cfg.response_timeout, gone.signal)
      .finally(() => res.off('close', onClose));
    try {
      const inspect = enc === 'json' ? jsonDepthCheck(signal) : undefined;
      const body = await readBody(req, this.cfg.max_request_body_size, decoder, inspect);
      return decode(() =>
        enc === 'json' ? decodeRequestJson(signal, body.toString('utf8')) : receiveRequest(signal, body),
      );
    } finally {
      release();
    }
  }

  // Node reads and discards an unread body to reuse the connection: fine for a small one, but a large or unknown
  // rest stays unread and the connection closes after this answer instead. So does every one while shutting down.
  private beforeHead(req: IncomingMessage, res: ServerResponse): void {
    const rest = req.complete ? 0 : Number(req.headers['content-length'] ?? NaN);
    if (this.closing || !(rest <= DISCARD_LIMIT)) res.setHeader('connection', 'close');
  }

  private fail(req: IncomingMessage, res: ServerResponse, enc: Encoding | undefined, failure: RequestFailure): void {
    // Nobody to answer: the client closed its connection (mid-body, or while the pipeline had its data), unless a
    // limit cut it off, which was counted as such.
    const gone = req.socket.destroyed && !res.writableEnded;
    const f = gone && failure.kind !== 'aborted' ? abortedFailure(this.reason(req, failure)) : failure;
    if (!(gone && this.guard.cutOff(req)))
      this.deps.reports.failed({ transport: 'http', path: pathOf(req.url), remote: req.socket.remoteAddress }, f);
    if (gone || res.headersSent) {
      res.destroy();
      return;
    }
    this.beforeHead(req, res);
    if (f.retryAfterMs !== undefined) res.setHeader('retry-after', retryAfterSeconds(f.retryAfterMs));
    // The spec's error body is a google.rpc.Status in the request's encoding.
    if (enc === 'json') {
      res
        .writeHead(f.httpStatus, { 'content-type': CONTENT_TYPE.json })
        .end(JSON.stringify({ code: f.grpcCode, message: f.message }));
    } else if (enc === 'proto') {
      res.writeHead(f.httpStatus, { 'content-type': CONTENT_TYPE.proto }).end(encodeStatus(f.grpcCode, f.message));
    } else {
      res.writeHead(f.httpStatus, { 'content-type': 'text/plain; charset=utf-8' }).end(f.message);
    }
  }
}

export async function startHttp(cfg: HttpConfig, deps: ExportDeps): Promise<Listening> {
  const handler = new Handler(cfg, deps);
  let server: Server;
  let stopReload = (): void => {};
  if (cfg.tls) {
    const tlsCfg = cfg.tls;
    const tls = await loadServerTls(tlsCfg).catch((err: Error) => {
      throw new Error(`OTLP HTTP receiver on ${cfg.endpoint}: ${err.message}`, { cause: err });
    });
    const https = createHttpsServer({ ...tls, ...httpServerOptions(cfg) }, handler.handle);
    stopReload = startTlsReload(
      tlsCfg,
      tls,
      (o) => https.setSecureContext(o),
      (err) =>
        deps.logger.warn('reloading TLS files failed, keeping the previous certificates', { error: err.message }),
    );
    server = https;
  } else {
    const { handshakeTimeout: _tlsOnly, ...plain } = httpServerOptions(cfg);
    server = createHttpServer(plain, handler.handle);
  }
  handler.guard = guardHttpServer(server, cfg, (limit) => deps.reports.limitHit('http', limit));
  handler.onIdle = () => setImmediate(() => server.closeIdleConnections());
  const address = parseHostPort(cfg.endpoint);
  let bound: number;
  try {
    bound = (await listen(server, address)).port;
  } catch (err) {
    stopReload();
    throw new ConfigKeyError(['protocols', 'http', 'endpoint'], (err as Error).message, { cause: err });
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: endpointOf(cfg.endpoint, bound),
    port: bound,
    shutdown(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        handler.closing = true;
        stopReload();
        // close() waits for requests in flight; their responses carry Connection: close.
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** include_metadata: every header with all its values, names lower-cased (as Node gives them). */
function clientMetadata(req: IncomingMessage): ClientMetadata {
  const out: Record<string, readonly string[]> = {};
  for (const [key, values] of Object.entries(req.headersDistinct)) if (values) out[key] = values;
  return out;
}
