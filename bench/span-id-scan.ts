// The `correlation.id` of every span of an OTLP/protobuf traces request, read off the wire without building pdata.
// The hub-process bench's destination runs beside the hub on the same 2 cores and answers only once it has read a
// request: decoding 8192 spans whole (all 17 attributes, events, IDs) took about twice the hub's CPU for encoding
// them, taken from the hub and added to every export's latency. A real destination runs elsewhere. This reads
// the same wire structure (a malformed request still throws) and compares attribute keys as bytes.
import protobuf from 'protobufjs/minimal.js';
import type { Reader } from 'protobufjs/minimal.js';
import { ANY_VALUE, KEY_VALUE, REQUEST_RESOURCES, RESOURCE_X, SCOPE_X, SPAN } from '../otlp/proto-schema.ts';

const KEY = Buffer.from('correlation.id');
const LEN = 2;
const utf8 = new TextDecoder();

/** Calls `each` for every embedded message `field` of the message `r` is in, bounded by `end`. */
function within(r: Reader, end: number, field: number, each: (end: number) => void): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === LEN) {
      const len = r.uint32();
      const inner = r.pos + len;
      if (inner > end) throw new Error(`field ${field} overruns its message`);
      each(inner);
      r.pos = inner;
    } else r.skipType(tag & 7);
  }
}

/** The string value of the KeyValue `r` is in (ending at `end`) when its key is correlation.id, else undefined. */
function correlationId(r: Reader, end: number): string | undefined {
  let matched = false;
  let value = -1; // where the AnyValue starts: read only if the key matches, whichever of the two came first
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((KEY_VALUE.key << 3) | LEN)) {
      const len = r.uint32();
      matched = len === KEY.length && KEY.equals(r.buf.subarray(r.pos, r.pos + len));
      r.pos += len;
    } else if (tag === ((KEY_VALUE.value << 3) | LEN)) {
      value = r.pos;
      r.skipType(LEN);
    } else r.skipType(tag & 7);
  }
  if (!matched || value < 0) return undefined;
  r.pos = value;
  let id: string | undefined;
  within(r, r.uint32() + r.pos, ANY_VALUE.stringValue, (idEnd) => (id = utf8.decode(r.buf.subarray(r.pos, idEnd))));
  r.pos = end;
  return id;
}

export function forEachCorrelationId(body: Uint8Array, each: (id: string | undefined) => void): void {
  const r = protobuf.Reader.create(body);
  within(r, r.len, REQUEST_RESOURCES, (rsEnd) =>
    within(r, rsEnd, RESOURCE_X.scopeX, (ssEnd) =>
      within(r, ssEnd, SCOPE_X.items, (spanEnd) => {
        let id: string | undefined;
        within(r, spanEnd, SPAN.attributes, (kvEnd) => (id = correlationId(r, kvEnd) ?? id));
        each(id);
      }),
    ),
  );
}
