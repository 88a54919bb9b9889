// How the persistent queue stores a request: the client metadata it came with (ConsumeContext.metadata: a tenant
// header passed on by the batch processor's metadata_keys), in a protobuf field no OTLP request uses, then the
// request's OTLP protobuf encoding. A replay after a restart sends the request with the metadata it was queued
// with. The prefix is cut off before the request is sent, so requests kept as their received bytes go on as those
// bytes, never carrying the metadata to the destination. Every record has the prefix (empty without metadata), so a
// client's request that itself starts with that field number is never read as metadata; a record without the
// prefix was queued by an otelhub before it, and is all request.
//
//   field METADATA_FIELD (bytes): ClientMetadata { repeated Entry entries = 1 }, Entry { key = 1; repeated values = 2 }
import protobuf from 'protobufjs/minimal.js';
import type { ClientMetadata } from '../../core/consumer.ts';

/** Far above OTLP's request fields (1) and outside protobuf's reserved 19000-19999. */
export const METADATA_FIELD = 1_000_000;
const METADATA_TAG = (METADATA_FIELD << 3) | 2;

/**
 * Credentials a client sent, which a receiver with include_metadata passes on with everything else: never written
 * to disk (a queue directory outlives the token, and is backed up and copied as data is).
 */
export const NEVER_STORED: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** The record for `request` (OTLP protobuf bytes) and the client metadata it came with, if any. */
export function encodeRecord(request: Uint8Array, metadata: ClientMetadata | undefined): Uint8Array {
  const entries = Object.entries(metadata ?? {}).filter(([key]) => !NEVER_STORED.has(key));
  const w = protobuf.Writer.create();
  w.uint32(METADATA_TAG).fork();
  for (const [key, values] of entries) {
    w.uint32(10).fork().uint32(10).string(key);
    for (const v of values) w.uint32(18).string(v);
    w.ldelim();
  }
  w.ldelim();
  const head = w.finish();
  const out = new Uint8Array(head.byteLength + request.byteLength);
  out.set(head, 0);
  out.set(request, head.byteLength);
  return out;
}

/** The request bytes and metadata of a stored record; a record without the prefix is all request. */
export function decodeRecord(payload: Uint8Array): { request: Uint8Array; metadata: ClientMetadata | undefined } {
  const r = protobuf.Reader.create(payload);
  const legacy = { request: payload, metadata: undefined };
  try {
    if (payload.byteLength === 0 || r.uint32() !== METADATA_TAG) return legacy;
  } catch {
    return legacy; // not even a tag: the request's decoder says what is wrong with it
  }
  const end = r.uint32() + r.pos;
  const metadata: Record<string, string[]> = {};
  while (r.pos < end) {
    if (r.uint32() !== 10) throw new Error('queued record: malformed client metadata');
    const entryEnd = r.uint32() + r.pos;
    let key = '';
    const values: string[] = [];
    while (r.pos < entryEnd) {
      const tag = r.uint32();
      if (tag === 10) key = r.string();
      else if (tag === 18) values.push(r.string());
      else r.skipType(tag & 7);
    }
    metadata[key] = values;
  }
  return { request: payload.subarray(end), metadata: Object.keys(metadata).length > 0 ? metadata : undefined };
}

/** Equal metadata gives equal keys: records are merged into one export only when their keys match. */
export function metadataKey(metadata: ClientMetadata | undefined): string {
  if (!metadata) return '';
  return JSON.stringify(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
