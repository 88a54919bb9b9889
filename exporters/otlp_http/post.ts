// One HTTP POST with a deadline over the whole exchange, the response body read up to a limit. Node's own timeout
// options only watch for idle sockets; a server trickling bytes must not hold an export forever.
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** More than any OTLP response or error needs; the rest is read and discarded. */
export const MAX_RESPONSE_BYTES = 1 << 20;

export interface PostResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class PostTimeoutError extends Error {
  constructor(ms: number) {
    super(`no response within ${ms}ms`);
    this.name = 'PostTimeoutError';
  }
}

export function post(
  url: URL,
  agent: http.Agent,
  headers: Record<string, string>,
  body: Uint8Array | readonly Uint8Array[],
  timeoutMs: number,
): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(c);
        size += c.length;
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('connection closed while reading the response')));
      res.on('end', () => {
        if (settled) return;
        const raw = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES);
        const encoded = /\bgzip\b/i.test(res.headers['content-encoding'] ?? '');
        const decoded = encoded
          ? gunzipAsync(raw, { maxOutputLength: MAX_RESPONSE_BYTES }).catch(() => Buffer.alloc(0))
          : Promise.resolve(raw);
        void decoded.then((b) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: b });
        });
      });
    });
    const timer = setTimeout(() => fail(new PostTimeoutError(timeoutMs)), timeoutMs);
    req.on('error', fail);
    // The pieces of a body go out in one write of the socket: they wait in the request until it has one.
    if (body instanceof Uint8Array) req.end(body);
    else {
      for (const chunk of body) req.write(chunk);
      req.end();
    }
  });
}
