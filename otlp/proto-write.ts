// Writing protobuf wire values with protobufjs's Writer, in the shapes pdata has: 64-bit values as bigint, counts as
// numbers. Implicit-presence scalars are left out when they hold their default, as proto3 does; the put* functions
// write regardless, for oneof members and `optional` fields.
import protobuf from 'protobufjs/minimal.js';
import type { Writer } from 'protobufjs/minimal.js';
import type { AnyValue } from '../core/pdata/index.ts';
import { ANY_VALUE, I32, I64, KEY_VALUE, LEN, VARINT } from './proto-schema.ts';
import { wellFormed } from './well-formed.ts';

export type { Writer };

// Converts between bigint and two 32-bit halves natively, several times faster than bigint shifts and masks.
const scratch = new DataView(new ArrayBuffer(8));
const varintScratch = new Uint8Array(10);
const TWO_32 = 4294967296;

/**
 * A string with a lone surrogate (valid in JavaScript and in JSON as `"\\ud800"`) has no UTF-8 form: protobufjs
 * would write it as the bytes of the surrogate itself (ed a0 80), which a destination that checks UTF-8 refuses,
 * and with it every item merged into the same request. Every string the hub encodes goes through here and leaves
 * as valid UTF-8, lone surrogates replaced by U+FFFD, as opentelemetry-proto recommends for intermediaries.
 */
class WellFormedWriter extends protobuf.BufferWriter {
  override string(value: string): this {
    if (value.length < SHORT_STRING && this.asciiString(value)) return this;
    return super.string(wellFormed(value)) as this;
  }

  /**
   * Most strings are short ASCII (attribute keys, names, IDs): written here with their one-byte length in a single
   * pass, where the general path checks for surrogates, then walks the string again for UTF-8. Anything else, or a
   * string that does not fit the buffer, is left to it (false): what was written past `pos` is overwritten then.
   */
  private asciiString(value: string): boolean {
    const n = value.length;
    const buf = this.buf;
    const start = this.pos;
    // No room: the general path grows the buffer.
    if (start + 1 + n > buf.length) return false;
    const end = putAscii(buf, start + 1, value);
    if (end < 0) return false;
    buf[start] = n;
    this.pos = end;
    return true;
  }
}

/** Writes ASCII `s` into `buf` at `p`: the position after it, or -1 at the first character that is not ASCII. */
function putAscii(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    buf[p++] = c;
  }
  return p;
}

/** Shorter strings fit a one-byte length when ASCII (127 bytes at most). */
const SHORT_STRING = 128;

/**
 * A writer; `capacity` (bytes) gives it room for what the caller expects to write. protobufjs starts at 128 bytes and
 * doubles: a 5 MB request allocated 16 MB of buffers on the way, garbage at once.
 */
export function newWriter(capacity = 0): Writer {
  const w = new WellFormedWriter();
  if (capacity > w.buf.length) w.buf = Buffer.allocUnsafe(capacity);
  return w;
}

/** A bool or a small int (0 to 127) as a one-byte varint with its AnyValue tag; -1 for other values. */
function oneByteValue(value: AnyValue): number {
  if ('boolValue' in value) return ((ANY_VALUE.boolValue << 3) << 8) | (value.boolValue ? 1 : 0);
  if ('intValue' in value && value.intValue >= 0n && value.intValue < 128n)
    return ((ANY_VALUE.intValue << 3) << 8) | Number(value.intValue);
  return -1;
}

/**
 * A KeyValue (`field` of its parent) whose key is short ASCII and whose value a short ASCII string, a bool or an
 * int from 0 to 127, so that every length takes one byte: written in one pass, lengths known up front, no forks.
 * Most attributes are such pairs (all 17 of a correlation span's), and opening and closing two embedded messages
 * for each was most of their cost. The bytes are those of the general path; false (nothing written) when the pair
 * does not qualify or does not fit the buffer.
 */
export function writeShortKeyValue(w: Writer, field: number, key: string, value: AnyValue): boolean {
  const tag = (field << 3) | LEN;
  const str = 'stringValue' in value ? value.stringValue : undefined;
  const scalar = str === undefined ? oneByteValue(value) : 0;
  const k = key.length;
  // The AnyValue: string tag, length, string; or the scalar's tag and byte.
  const any = str === undefined ? 2 : str.length + 2;
  // KeyValue: key tag, length, key, value tag, length, AnyValue: all of it under 128 bytes.
  if (tag > 0x7f || k === 0 || scalar < 0 || k + any > 123) return false;
  const buf = w.buf;
  const start = w.pos;
  if (start + k + any + 6 > buf.length) return false;
  let p = start;
  buf[p++] = tag;
  buf[p++] = k + any + 4;
  buf[p++] = (KEY_VALUE.key << 3) | LEN;
  buf[p++] = k;
  p = putAscii(buf, p, key);
  if (p < 0) return false;
  buf[p++] = (KEY_VALUE.value << 3) | LEN;
  buf[p++] = any;
  if (str === undefined) {
    buf[p++] = scalar >> 8;
    buf[p++] = scalar & 0xff;
  } else {
    buf[p++] = (ANY_VALUE.stringValue << 3) | LEN;
    buf[p++] = str.length;
    p = putAscii(buf, p, str);
    if (p < 0) return false;
  }
  w.pos = p;
  return true;
}

/**
 * Bytes encoded beforehand as a length-delimited `field`. Most are a short KeyValue (see preEncoded): tag and length
 * of one byte each, then one set() (a copy byte by byte in JavaScript cost as much as encoding the fields afresh);
 * protobufjs's bytes() also checks for base64 text and reserves room first.
 */
export function writeEncoded(w: Writer, field: number, bytes: Uint8Array): void {
  const tag = (field << 3) | LEN;
  const n = bytes.length;
  const buf = w.buf;
  let p = w.pos;
  if (tag > 0x7f || n > 0x7f || p + n + 2 > buf.length) {
    w.uint32(tag).bytes(bytes);
    return;
  }
  buf[p++] = tag;
  buf[p++] = n;
  buf.set(bytes, p);
  w.pos = p + n;
}

export function writeString(w: Writer, field: number, v: string): void {
  if (v.length > 0) w.uint32((field << 3) | LEN).string(v);
}

export function writeBytes(w: Writer, field: number, v: Uint8Array): void {
  if (v.length > 0) w.uint32((field << 3) | LEN).bytes(v);
}

export function writeUint32(w: Writer, field: number, v: number): void {
  if (v !== 0) w.uint32((field << 3) | VARINT).uint32(v);
}

export function writeEnum(w: Writer, field: number, v: number): void {
  if (v !== 0) w.uint32((field << 3) | VARINT).int32(v);
}

export function writeSint32(w: Writer, field: number, v: number): void {
  if (v !== 0) w.uint32((field << 3) | VARINT).sint32(v);
}

export function writeBool(w: Writer, field: number, v: boolean): void {
  if (v) w.uint32((field << 3) | VARINT).bool(true);
}

export function writeFixed32(w: Writer, field: number, v: number): void {
  if (v !== 0) w.uint32((field << 3) | I32).fixed32(v);
}

/** fixed64 or sfixed64 (the same bits on the wire), written even when zero: for oneof members. */
export function putFixed64(w: Writer, field: number, v: bigint): void {
  scratch.setBigUint64(0, v, true);
  w.uint32((field << 3) | I64)
    .fixed32(scratch.getUint32(0, true))
    .fixed32(scratch.getUint32(4, true));
}

export function writeFixed64(w: Writer, field: number, v: bigint): void {
  if (v !== 0n) putFixed64(w, field, v);
}

/** A histogram count: a number in pdata, fixed64 on the wire. */
export function writeCount(w: Writer, field: number, v: number): void {
  if (v !== 0) {
    w.uint32((field << 3) | I64)
      .fixed32(v >>> 0)
      .fixed32(Math.floor(v / TWO_32) >>> 0);
  }
}

/** A double with explicit presence (oneof or `optional`): written even when zero. */
export function putDouble(w: Writer, field: number, v: number): void {
  w.uint32((field << 3) | I64).double(v);
}

/** Negative zero is not the default, so it survives a round trip. */
export function writeDouble(w: Writer, field: number, v: number): void {
  if (v !== 0 || 1 / v < 0) putDouble(w, field, v);
}

/** int64 as a varint (negative values take ten bytes), written even when zero. */
export function putInt64(w: Writer, field: number, v: bigint): void {
  w.uint32((field << 3) | VARINT);
  if (v >= 0n && v < 0x80000000n) {
    w.uint32(Number(v));
    return;
  }
  scratch.setBigInt64(0, v, true);
  let lo = scratch.getUint32(0, true);
  let hi = scratch.getUint32(4, true);
  let n = 0;
  while (hi !== 0 || lo > 127) {
    varintScratch[n++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  varintScratch[n++] = lo;
  w.raw(varintScratch.subarray(0, n));
}

export function writeInt64(w: Writer, field: number, v: bigint): void {
  if (v !== 0n) putInt64(w, field, v);
}

/** repeated fixed64 counts, packed. */
export function writePackedCounts(w: Writer, field: number, counts: readonly number[]): void {
  if (counts.length === 0) return;
  w.uint32((field << 3) | LEN).uint32(counts.length * 8);
  for (const c of counts) w.fixed32(c >>> 0).fixed32(Math.floor(c / TWO_32) >>> 0);
}

/** repeated uint64 counts, packed. */
export function writePackedVarintCounts(w: Writer, field: number, counts: readonly number[]): void {
  if (counts.length === 0) return;
  w.uint32((field << 3) | LEN).fork();
  for (const c of counts) {
    if (c < TWO_32) w.uint32(c);
    else w.uint64(c);
  }
  w.ldelim();
}

export function writePackedDoubles(w: Writer, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  w.uint32((field << 3) | LEN).uint32(values.length * 8);
  for (const v of values) w.double(v);
}

/** Opens an embedded message; close it with `w.ldelim()`. */
export function open(w: Writer, field: number): Writer {
  return w.uint32((field << 3) | LEN).fork();
}
