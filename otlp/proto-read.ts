// Reading protobuf wire values with protobufjs's Reader into pdata's shapes: 64-bit values as bigint, IDs as fresh
// Uint8Arrays. Each reader takes the field's tag and refuses a wire type the schema does not allow (as the Collector
// does, rather than letting data silently turn into defaults); embedded messages bound the reader to their length.
import protobuf from 'protobufjs/minimal.js';
import type { Reader } from 'protobufjs/minimal.js';
import { EMPTY_BYTES } from '../core/pdata/index.ts';
import { I32, I64, LEN, VARINT } from './proto-schema.ts';

export type { Reader };

// Converts between two 32-bit halves and bigint natively, several times faster than bigint shifts and masks.
const scratch = new DataView(new ArrayBuffer(8));
const TWO_32 = 4294967296;

/** A reader over `bytes` without copying; a Buffer view makes protobufjs decode strings natively. */
export function newReader(bytes: Uint8Array): Reader {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return protobuf.Reader.create(buf);
}

function wireTypeError(tag: number, want: string): Error {
  return new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${want}`);
}

function expect(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw wireTypeError(tag, String(wireType));
}

export function readTag(r: Reader): number {
  const tag = r.tag();
  if (tag >>> 3 === 0) throw new Error(`illegal field number 0 at offset ${r.pos}`);
  return tag;
}

export function skipField(r: Reader, tag: number): void {
  r.skipType(tag & 7, 0, tag >>> 3);
}

/** Enters an embedded message: the reader is bounded by it until `leave`. Returns the outer bound. */
export function enter(r: Reader, tag: number): number {
  expect(tag, LEN);
  const len = r.size();
  const end = r.pos + len;
  if (end > r.len) throw new RangeError(`message of ${len} bytes at offset ${r.pos} runs past its container`);
  const outer = r.len;
  r.len = end;
  return outer;
}

export function leave(r: Reader, outer: number): void {
  r.len = outer;
}

export function readString(r: Reader, tag: number): string {
  expect(tag, LEN);
  return r.string();
}

/** A copy, so that a decoded ID does not keep the whole request buffer alive. */
export function readBytes(r: Reader, tag: number): Uint8Array {
  expect(tag, LEN);
  const len = r.size();
  const start = r.pos;
  if (start + len > r.len) throw new RangeError(`bytes of length ${len} at offset ${start} run past their message`);
  r.pos = start + len;
  if (len === 0) return EMPTY_BYTES;
  const out = new Uint8Array(len);
  const buf = r.buf;
  // IDs are 8 or 16 bytes: a loop beats creating a subarray view to copy from.
  if (len <= 32) for (let i = 0; i < len; i++) out[i] = buf[start + i] as number;
  else out.set(buf.subarray(start, start + len));
  return out;
}

/** A trace ID (16 bytes) or span ID (8): empty or exactly that long, as the Collector requires. */
export function readId(r: Reader, tag: number, size: 8 | 16): Uint8Array {
  const id = readBytes(r, tag);
  if (id.length !== 0 && id.length !== size)
    throw new Error(`field ${tag >>> 3}: an ID of ${id.length} bytes, expected ${size}`);
  return id;
}

export function readUint32(r: Reader, tag: number): number {
  expect(tag, VARINT);
  return r.uint32();
}

export function readEnum(r: Reader, tag: number): number {
  expect(tag, VARINT);
  return r.int32();
}

export function readSint32(r: Reader, tag: number): number {
  expect(tag, VARINT);
  return r.sint32();
}

export function readBool(r: Reader, tag: number): boolean {
  expect(tag, VARINT);
  return r.bool();
}

export function readFixed32(r: Reader, tag: number): number {
  expect(tag, I32);
  return r.fixed32();
}

export function readDouble(r: Reader, tag: number): number {
  expect(tag, I64);
  return r.double();
}

function readHalves(r: Reader, tag: number): void {
  expect(tag, I64);
  scratch.setUint32(0, r.fixed32(), true);
  scratch.setUint32(4, r.fixed32(), true);
}

export function readFixed64(r: Reader, tag: number): bigint {
  readHalves(r, tag);
  return scratch.getBigUint64(0, true);
}

export function readSfixed64(r: Reader, tag: number): bigint {
  readHalves(r, tag);
  return scratch.getBigInt64(0, true);
}

/** A fixed64 count as a number (exact up to 2^53). */
export function readCount(r: Reader, tag: number): number {
  expect(tag, I64);
  const lo = r.fixed32();
  return lo + r.fixed32() * TWO_32;
}

/** A varint's low and high 32 bits, into the scratch view. */
function readVarint64(r: Reader): void {
  const buf = r.buf;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw new RangeError(`varint runs past the end at offset ${r.pos}`);
    const b = buf[r.pos++] as number;
    const bits = b & 127;
    if (i < 4) lo |= bits << (7 * i);
    else if (i === 4) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else hi |= bits << (7 * i - 32);
    if (b < 128) {
      scratch.setUint32(0, lo >>> 0, true);
      scratch.setUint32(4, hi >>> 0, true);
      return;
    }
  }
  throw new Error(`varint longer than 10 bytes at offset ${r.pos}`);
}

export function readInt64(r: Reader, tag: number): bigint {
  expect(tag, VARINT);
  readVarint64(r);
  return scratch.getBigInt64(0, true);
}

function readVarintCount(r: Reader): number {
  readVarint64(r);
  return scratch.getUint32(0, true) + scratch.getUint32(4, true) * TWO_32;
}

/** Repeated scalars arrive packed or one per tag; parsers must accept both. */
function readRepeated(
  r: Reader,
  tag: number,
  single: number,
  out: number[],
  one: (r: Reader) => number,
  size: number,
): void {
  const wt = tag & 7;
  if (wt === single) {
    out.push(one(r));
    return;
  }
  if (wt !== LEN) throw wireTypeError(tag, `${single} or ${LEN}`);
  const len = r.size();
  const end = r.pos + len;
  if (end > r.len) throw new RangeError(`packed field of ${len} bytes at offset ${r.pos} runs past its message`);
  if (size > 0 && len % size !== 0) throw new Error(`packed field of ${len} bytes is not a multiple of ${size}`);
  const outer = r.len;
  r.len = end;
  while (r.pos < end) out.push(one(r));
  r.len = outer;
}

const oneCount = (r: Reader): number => r.fixed32() + r.fixed32() * TWO_32;
const oneDouble = (r: Reader): number => r.double();

export function readCounts(r: Reader, tag: number, out: number[]): void {
  readRepeated(r, tag, I64, out, oneCount, 8);
}

export function readVarintCounts(r: Reader, tag: number, out: number[]): void {
  readRepeated(r, tag, VARINT, out, readVarintCount, 0);
}

export function readDoubles(r: Reader, tag: number, out: number[]): void {
  readRepeated(r, tag, I64, out, oneDouble, 8);
}
