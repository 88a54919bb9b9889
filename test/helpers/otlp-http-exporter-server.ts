// For the otlp_http exporter's tests: a real OTLP/HTTP server on port 0 that decodes what arrives with our codec and
// answers as told.
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { ServerOptions } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { PipelineType } from '../../core/pdata/index.ts';
import { decodeRequest, decodeRequestJson, encodeResponse, encodeResponseJson } from '../../otlp/index.ts';
import type { ExportData } from '../../exporters/helper/send.ts';
import { listen } from '../../core/net.ts';

export interface HttpCall {
  signal: PipelineType;
  path: string;
  headers: IncomingHttpHeaders;
  /** As sent (compressed when Content-Encoding says so). */
  wire: Buffer;
  /** Decompressed. */
  body: Buffer;
  data: ExportData;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:port`, or https:// with TLS. */
  url: string;
  calls: HttpCall[];
  /** Answers call number `n` (from 0); undefined: 200 with an empty response of the request's encoding. */
  reply: (call: HttpCall, n: number) => Reply | undefined | Promise<Reply | undefined>;
  close(): Promise<void>;
}

const SIGNALS: Record<string, PipelineType> = { traces: 'traces', metrics: 'metrics', logs: 'logs' };

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startHttpServer(opts: { tls?: ServerOptions; port?: number } = {}): Promise<TestHttpServer> {
  const server: TestHttpServer = {
    url: '',
    calls: [],
    reply: () => undefined,
    close: () => Promise.resolve(),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const wire = await readAll(req);
    const signal = SIGNALS[(req.url ?? '').split('/').pop() ?? ''] ?? 'traces';
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const data = json ? decodeRequestJson(signal, body.toString('utf8')) : decodeRequest(signal, body);
    const call: HttpCall = { signal, path: req.url ?? '', headers: req.headers, wire, body, data };
    const n = server.calls.length;
    server.calls.push(call);
    const r = (await server.reply(call, n)) ?? {
      status: 200,
      headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body: json ? encodeResponseJson(signal) : encodeResponse(signal),
    };
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  };
  const s = opts.tls ? https.createServer(opts.tls, listener) : http.createServer(listener);
  const { port } = await listen(s, { host: '127.0.0.1', port: opts.port ?? 0 });
  server.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  server.close = () =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  return server;
}
