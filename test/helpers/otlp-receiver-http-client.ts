// For the otlp receiver's tests: raw HTTP requests (every header under the test's control) and google.rpc.Status
// bodies.
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import protobuf from 'protobufjs/minimal.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends `body` in one piece, or in `chunks` without a Content-Length. */
export function send(
  url: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: Uint8Array | string; chunks?: Uint8Array[] } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    // An error after the answer (the server closing while we still write) no longer matters: it has resolved.
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

export const PROTO = { 'content-type': 'application/x-protobuf' };
export const JSON_TYPE = { 'content-type': 'application/json' };

/** google.rpc.Status: code (1), message (2), details (3) as Any { type_url (1), value (2) }. */
export function decodeStatus(bytes: Uint8Array): {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
} {
  const r = protobuf.Reader.create(bytes);
  const out = { code: 0, message: '', details: [] as { typeUrl: string; value: Uint8Array }[] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 8) out.code = r.int32();
    else if (tag === 18) out.message = r.string();
    else if (tag === 26) {
      const end = r.uint32() + r.pos;
      const any: { typeUrl: string; value: Uint8Array } = { typeUrl: '', value: new Uint8Array() };
      while (r.pos < end) {
        const t = r.uint32();
        if (t === 10) any.typeUrl = r.string();
        else if (t === 18) any.value = r.bytes();
        else r.skipType(t & 7);
      }
      out.details.push(any);
    } else r.skipType(tag & 7);
  }
  return out;
}

/** google.rpc.RetryInfo's retry_delay in milliseconds; undefined when it has none. */
export function decodeRetryDelayMs(bytes: Uint8Array): number | undefined {
  const r = protobuf.Reader.create(bytes);
  let ms: number | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag !== 10) {
      r.skipType(tag & 7);
      continue;
    }
    const end = r.uint32() + r.pos;
    ms = 0;
    while (r.pos < end) {
      const t = r.uint32();
      if (t === 8) ms += Number(r.int64()) * 1000;
      else if (t === 16) ms += r.int32() / 1e6;
      else r.skipType(t & 7);
    }
  }
  return ms;
}
