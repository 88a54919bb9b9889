// A walk over an OTLP/protobuf request that decodes nothing: it checks what decodeRequest checks (wire types of
// known fields, lengths inside their message, ID sizes, AnyValue nesting) and counts the items, so that a request
// nothing in the pipeline looks at can pass through as the bytes it arrived in (see core/pdata/encoded.ts).
// It also checks every string is valid UTF-8: bytes that are not could not leave the hub as they came, since the
// hub promises valid strings out (decoding replaces bad sequences with U+FFFD), so such a request is decoded.
// The schema it walks is in proto-scan-schema.ts.
import { isUtf8 } from 'node:buffer';
import type { PipelineType } from '../core/pdata/index.ts';
import type { Reader } from './proto-read.ts';
import { newReader, readTag, skipField } from './proto-read.ts';
import { I32, I64, LEN, MAX_VALUE_DEPTH, VARINT } from './proto-schema.ts';
import type { Message } from './proto-scan-schema.ts';
import {
  BYTES,
  EMBEDDED,
  FIXED32,
  FIXED64,
  ID16,
  ID8,
  MAX_FIELD,
  METRIC_DATA_FIELDS,
  PACKED64,
  PACKED_VARINT,
  REQUESTS,
  STRING,
  UNKNOWN,
  VARINT32,
  VARINT64,
} from './proto-scan-schema.ts';

export interface Scan {
  /** Spans, data points or log records, as itemCount counts them once decoded. */
  items: number;
  /**
   * false when the bytes cannot be sent on as they are: a string is not valid UTF-8, or a metric carries more than
   * one kind of data (which the decoder resolves, last wins). Such a request is decoded and encoded again.
   */
  verbatim: boolean;
}

// The walk keeps its position in its own fields (monomorphic and cheap to reach) and hands them to protobufjs's
// reader only for what it reads the decoder's way: multi-byte tags and lengths, 32-bit varints, unknown fields.
class Walk {
  items = 0;
  verbatim = true;
  /** AnyValues entered and not left. */
  private anyDepth = 0;
  private pos = 0;
  private end: number;
  private readonly buf: Uint8Array;

  constructor(private readonly r: Reader) {
    this.buf = r.buf;
    this.end = r.len;
  }

  /** Runs `read` on the reader at the walk's position, then takes the position back. */
  private viaReader<T>(read: (r: Reader) => T): T {
    const r = this.r;
    r.pos = this.pos;
    r.len = this.end;
    const out = read(r);
    this.pos = r.pos;
    return out;
  }

  message(m: Message): void {
    let dataFields = 0;
    while (this.pos < this.end) {
      const tag = this.tag();
      const n = tag >>> 3;
      const kind = n < MAX_FIELD ? (m.kinds[n] as number) : UNKNOWN;
      if (kind === UNKNOWN) this.viaReader((r) => skipField(r, tag));
      else if (kind !== EMBEDDED) this.scalar(tag, kind);
      else {
        if (m.oneofData && METRIC_DATA_FIELDS.has(n)) dataFields++;
        this.embedded(tag, m.subs[n] as Message);
      }
    }
    if (dataFields > 1) this.verbatim = false;
  }

  private embedded(tag: number, m: Message): void {
    if (m.anyValue && this.anyDepth > MAX_VALUE_DEPTH)
      throw new Error(`AnyValue nested deeper than ${MAX_VALUE_DEPTH}`);
    expect(tag, LEN);
    const len = this.size();
    const end = this.pos + len;
    if (end > this.end) throw new RangeError(`message of ${len} bytes at offset ${this.pos} runs past its container`);
    const outer = this.end;
    this.end = end;
    if (m.item) this.items++;
    if (m.anyValue) this.anyDepth++;
    this.message(m);
    if (m.anyValue) this.anyDepth--;
    this.end = outer;
  }

  // Tags and lengths are almost always one byte: read those here, the rest as the decoder's reader does.
  private tag(): number {
    const b = this.buf[this.pos] as number;
    if (b >= 8 && b < 128) {
      this.pos++;
      return b;
    }
    return this.viaReader(readTag);
  }

  private size(): number {
    const b = this.buf[this.pos] as number;
    if (b < 128 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    return this.viaReader((r) => r.size());
  }

  private advance(n: number): void {
    if (this.pos + n > this.end)
      throw new RangeError(`value of ${n} bytes at offset ${this.pos} runs past its message`);
    this.pos += n;
  }

  private skipVarint(): void {
    const buf = this.buf;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError(`varint runs past the end at offset ${this.pos}`);
      if ((buf[this.pos++] as number) < 128) return;
    }
    throw new Error(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  private scalar(tag: number, kind: number): void {
    const wt = tag & 7;
    switch (kind) {
      case STRING:
      case BYTES:
      case ID8:
      case ID16: {
        expect(tag, LEN);
        const len = this.size();
        const start = this.pos;
        if (start + len > this.end) throw new RangeError(`field ${tag >>> 3} of ${len} bytes runs past its message`);
        this.pos = start + len;
        if (kind === STRING) {
          if (this.verbatim && !validUtf8(this.buf, start, this.pos)) this.verbatim = false;
        } else if (kind !== BYTES && len !== 0 && len !== (kind === ID8 ? 8 : 16)) {
          throw new Error(`field ${tag >>> 3}: an ID of ${len} bytes, expected ${kind === ID8 ? 8 : 16}`);
        }
        return;
      }
      case VARINT32:
        expect(tag, VARINT);
        if ((this.buf[this.pos] as number) < 128 && this.pos < this.end) this.pos++;
        else this.viaReader((r) => r.uint32());
        return;
      case VARINT64:
        expect(tag, VARINT);
        this.skipVarint();
        return;
      case FIXED64:
        expect(tag, I64);
        this.advance(8);
        return;
      case FIXED32:
        expect(tag, I32);
        this.advance(4);
        return;
      case PACKED64:
        if (wt === I64) this.advance(8);
        else this.packed(tag, I64, 8);
        return;
      case PACKED_VARINT:
        if (wt === VARINT) this.skipVarint();
        else this.packed(tag, VARINT, 0);
        return;
    }
  }

  /** A packed repeated field: `size`-byte values, or varints when size is 0. */
  private packed(tag: number, single: number, size: number): void {
    if ((tag & 7) !== LEN) throw new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${single} or ${LEN}`);
    const len = this.size();
    const end = this.pos + len;
    if (end > this.end)
      throw new RangeError(`packed field of ${len} bytes at offset ${this.pos} runs past its message`);
    if (size > 0) {
      if (len % size !== 0) throw new Error(`packed field of ${len} bytes is not a multiple of ${size}`);
      this.pos = end;
      return;
    }
    const outer = this.end;
    this.end = end;
    while (this.pos < end) this.skipVarint();
    this.end = outer;
  }
}

function expect(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
}

/** ASCII is checked here (most strings are short and ASCII); anything else by node:buffer's validator. */
function validUtf8(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return isUtf8(buf.subarray(i, end));
  }
  return true;
}

/**
 * Checks `bytes` as decodeRequest would and counts its items, without decoding. Throws (as decodeRequest's
 * reader does, before it is wrapped in an OtlpDecodeError) for anything that is not a well-formed request.
 */
export function scanRequest(signal: PipelineType, bytes: Uint8Array): Scan {
  const walk = new Walk(newReader(bytes));
  walk.message(REQUESTS[signal]);
  return { items: walk.items, verbatim: walk.verbatim };
}
