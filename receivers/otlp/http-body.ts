// Reads a request body into memory, decompressing as it goes, and gives up as soon as either the bytes on the wire
// or the decompressed bytes pass the limit: a small gzip bomb must not become a large buffer.
import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { GrpcStatus, RequestFailure, badRequest, tooLarge } from './status.ts';

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  // HTTP's deflate is the zlib format, as Go's (and so the Collector's) reader expects.
  deflate: createInflate,
  br: createBrotliDecompress,
};

export const SUPPORTED_ENCODINGS = Object.keys(DECODERS);

/** The decompressor for a Content-Encoding header; undefined for none / identity. Throws 415 for others. */
export function decoderFor(header: string | undefined): (() => Transform) | undefined {
  const enc = (header ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return undefined;
  const d = DECODERS[enc];
  if (!d)
    throw new RequestFailure(
      415,
      GrpcStatus.INVALID_ARGUMENT,
      `unsupported Content-Encoding "${enc}"; supported: ${SUPPORTED_ENCODINGS.join(', ')}`,
    );
  return d;
}

/**
 * `inspect` sees each piece of the decompressed body as it arrives, before it is kept; what it throws (a
 * RequestFailure, else a 400 with its message) ends the read at once, so a body known bad early is never buffered.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  decoder: (() => Transform) | undefined,
  inspect?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let settled = false;
    const inflater = decoder?.();

    const cleanup = (): void => {
      req.off('data', onWire);
      req.off('end', onWireEnd);
      req.off('error', fail);
      req.off('close', onClose);
      // Stop reading: the response goes out now and the connection closes after it (see the caller).
      req.pause();
      inflater?.destroy();
    };
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    }
    function done(): void {
      if (settled) return;
      settled = true;
      cleanup();
      // A body that came in one chunk is that chunk (a view of what the socket read): no copy, since pass-through
      // may carry it all the way to the exporter.
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    }
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit));
      try {
        inspect?.(chunk);
      } catch (err) {
        return fail(err instanceof RequestFailure ? err : badRequest((err as Error).message));
      }
      chunks.push(chunk);
    }
    function onWire(chunk: Buffer): void {
      wire += chunk.length;
      if (wire > limit) return fail(tooLarge(limit));
      if (!inflater) return onData(chunk);
      if (!inflater.write(chunk)) {
        req.pause();
        inflater.once('drain', () => settled || req.resume());
      }
    }
    function onWireEnd(): void {
      if (inflater) inflater.end();
      else done();
    }
    function onClose(): void {
      if (!req.complete) fail(badRequest('request body ended early'));
    }

    if (inflater) {
      inflater.on('data', onData);
      inflater.on('end', done);
      inflater.on('error', (err: Error) => fail(badRequest(`cannot decompress request body: ${err.message}`)));
    }
    req.on('data', onWire);
    req.on('end', onWireEnd);
    req.on('error', fail);
    req.on('close', onClose);
  });
}
