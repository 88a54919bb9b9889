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

// One loop over the whole request with its state in locals, and an explicit stack of the messages it is inside of
// instead of recursion: no call per field or per message. The recursive walk over fields held on an object took 70 us
// per 512-span request, this one 56 (a fifth of the hub's CPU at full pass-through speed went here). protobufjs's reader is used only
// for what it reads the decoder's way and is rare: multi-byte tags and lengths, 32-bit varints, unknown fields.

/** Frames deep enough for any request the decoder accepts: a few messages above a value, three per AnyValue level. */
const STACK = 16 + 3 * (MAX_VALUE_DEPTH + 2);
// Reused by every scan: scanRequest runs to completion without calling anything that could scan again.
const outerEnds = new Int32Array(STACK);
const outerData = new Int32Array(STACK);
const outerMessages: Message[] = new Array<Message>(STACK);

function walk(r: Reader, request: Message): Scan {
  const buf = r.buf;
  let pos = r.pos;
  let end = r.len;
  let m = request;
  let sp = 0;
  let items = 0;
  let verbatim = true;
  /** AnyValues entered and not left. */
  let anyDepth = 0;
  /** Metric data fields (a oneof) seen in the current message. */
  let dataFields = 0;
  for (;;) {
    if (pos >= end) {
      // The current message ends: back to the one holding it.
      if (dataFields > 1) verbatim = false;
      if (sp === 0) break;
      if (m.anyValue) anyDepth--;
      sp--;
      end = outerEnds[sp] as number;
      dataFields = outerData[sp] as number;
      m = outerMessages[sp] as Message;
      continue;
    }
    // Tags and lengths are almost always one byte: read those here, the rest as the decoder's reader does.
    let tag = buf[pos] as number;
    if (tag >= 8 && tag < 128) pos++;
    else {
      r.pos = pos;
      r.len = end;
      tag = readTag(r);
      pos = r.pos;
    }
    const n = tag >>> 3;
    const kind = n < MAX_FIELD ? (m.kinds[n] as number) : UNKNOWN;
    if (kind === UNKNOWN) {
      r.pos = pos;
      r.len = end;
      skipField(r, tag);
      pos = r.pos;
      continue;
    }
    const wt = tag & 7;
    if (kind === EMBEDDED) {
      const sub = m.subs[n] as Message;
      if (m.oneofData && METRIC_DATA_FIELDS.has(n)) dataFields++;
      if (sub.anyValue && anyDepth > MAX_VALUE_DEPTH) throw new Error(`AnyValue nested deeper than ${MAX_VALUE_DEPTH}`);
      if (wt !== LEN) throw wireTypeError(tag, LEN);
      let len = buf[pos] as number;
      if (len < 128 && pos < end) pos++;
      else {
        r.pos = pos;
        r.len = end;
        len = r.size();
        pos = r.pos;
      }
      const inner = pos + len;
      if (inner > end) throw new RangeError(`message of ${len} bytes at offset ${pos} runs past its container`);
      if (sp === STACK) throw new Error(`messages nested deeper than ${STACK}`);
      // Nearly every attribute: checked in one step rather than entering the KeyValue and its AnyValue.
      if (sub.keyValue && anyDepth <= MAX_VALUE_DEPTH && plainKeyValue(buf, pos, inner)) {
        pos = inner;
        continue;
      }
      if (sub.item) items++;
      if (sub.anyValue) anyDepth++;
      outerEnds[sp] = end;
      outerData[sp] = dataFields;
      outerMessages[sp] = m;
      sp++;
      m = sub;
      end = inner;
      dataFields = 0;
      continue;
    }
    switch (kind) {
      case STRING:
      case BYTES:
      case ID8:
      case ID16: {
        if (wt !== LEN) throw wireTypeError(tag, LEN);
        let len = buf[pos] as number;
        if (len < 128 && pos < end) pos++;
        else {
          r.pos = pos;
          r.len = end;
          len = r.size();
          pos = r.pos;
        }
        const start = pos;
        if (start + len > end) throw new RangeError(`field ${n} of ${len} bytes runs past its message`);
        pos = start + len;
        if (kind === STRING) {
          // ASCII here (most strings are short and ASCII), anything else by node:buffer's validator.
          if (verbatim && !ascii(buf, start, pos)) verbatim = isUtf8(buf.subarray(start, pos));
        } else if (kind !== BYTES && len !== 0 && len !== (kind === ID8 ? 8 : 16)) {
          throw new Error(`field ${n}: an ID of ${len} bytes, expected ${kind === ID8 ? 8 : 16}`);
        }
        break;
      }
      case VARINT32:
        if (wt !== VARINT) throw wireTypeError(tag, VARINT);
        if ((buf[pos] as number) < 128 && pos < end) pos++;
        else {
          r.pos = pos;
          r.len = end;
          r.uint32();
          pos = r.pos;
        }
        break;
      case VARINT64:
        if (wt !== VARINT) throw wireTypeError(tag, VARINT);
        pos = skipVarint(buf, pos, end);
        break;
      case FIXED64:
        if (wt !== I64) throw wireTypeError(tag, I64);
        pos = advance(pos, 8, end);
        break;
      case FIXED32:
        if (wt !== I32) throw wireTypeError(tag, I32);
        pos = advance(pos, 4, end);
        break;
      case PACKED64:
        if (wt === I64) pos = advance(pos, 8, end);
        else pos = packed(r, tag, pos, end, I64, 8);
        break;
      case PACKED_VARINT:
        if (wt === VARINT) pos = skipVarint(buf, pos, end);
        else pos = packed(r, tag, pos, end, VARINT, 0);
        break;
    }
  }
  return { items, verbatim };
}

// Tags of KeyValue and AnyValue fields with one-byte tags: (field number << 3) | wire type.
const KEY_TAG = (1 << 3) | LEN;
const VALUE_TAG = (2 << 3) | LEN;
const STRING_VALUE_TAG = (1 << 3) | LEN;
const BOOL_VALUE_TAG = (2 << 3) | VARINT;
const INT_VALUE_TAG = (3 << 3) | VARINT;
const DOUBLE_VALUE_TAG = (4 << 3) | I64;
const BYTES_VALUE_TAG = (7 << 3) | LEN;

/** Whether buf[from, to) is all ASCII. */
function ascii(buf: Uint8Array, from: number, to: number): boolean {
  let any = 0;
  for (let i = from; i < to; i++) any |= buf[i] as number;
  return any < 0x80;
}

/**
 * Whether the KeyValue in buf[pos, end) has the plain shape nearly every attribute has: an ASCII key, then (or not)
 * a value that is empty or holds one scalar (an ASCII string, a bool of one byte, an int, a double, bytes of any
 * content), with one-byte tags and lengths. With the caller's guard (anyDepth at most MAX_VALUE_DEPTH, so entering
 * the value would not throw, and the stack far from full: STACK leaves room for 3 frames per AnyValue level), such a
 * KeyValue is one the generic walk accepts without changing anything it tracks (no items, strings valid); anything
 * else answers false and is walked field by field, so this only ever saves work. A byte read before its bounds check
 * (a length) is only used once that check, first in the same condition, has passed.
 */
function plainKeyValue(buf: Uint8Array, pos: number, end: number): boolean {
  if (end - pos < 2 || buf[pos] !== KEY_TAG) return false;
  const keyLen = buf[pos + 1] as number;
  const keyEnd = pos + 2 + keyLen;
  if (keyLen >= 128 || keyEnd > end || !ascii(buf, pos + 2, keyEnd)) return false;
  if (keyEnd === end) return true;
  const valueLen = buf[keyEnd + 1] as number;
  if (end - keyEnd < 2 || buf[keyEnd] !== VALUE_TAG || valueLen >= 128 || valueLen !== end - keyEnd - 2) return false;
  let p = keyEnd + 2;
  if (p === end) return true;
  const tag = buf[p++] as number;
  switch (tag) {
    case STRING_VALUE_TAG:
    case BYTES_VALUE_TAG: {
      const len = buf[p] as number;
      if (p >= end || len >= 128 || p + 1 + len !== end) return false;
      return tag === BYTES_VALUE_TAG || ascii(buf, p + 1, end);
    }
    case BOOL_VALUE_TAG:
      return p + 1 === end && (buf[p] as number) < 128;
    case INT_VALUE_TAG:
      for (let i = 0; i < 10 && p < end; i++) if ((buf[p++] as number) < 128) return p === end;
      return false;
    case DOUBLE_VALUE_TAG:
      return p + 8 === end;
    default:
      return false;
  }
}

function advance(pos: number, n: number, end: number): number {
  if (pos + n > end) throw new RangeError(`value of ${n} bytes at offset ${pos} runs past its message`);
  return pos + n;
}

function skipVarint(buf: Uint8Array, at: number, end: number): number {
  let pos = at;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new RangeError(`varint runs past the end at offset ${pos}`);
    if ((buf[pos++] as number) < 128) return pos;
  }
  throw new Error(`varint longer than 10 bytes at offset ${pos}`);
}

/** A packed repeated field: `size`-byte values, or varints when size is 0; the position after it. */
function packed(r: Reader, tag: number, at: number, end: number, single: number, size: number): number {
  if ((tag & 7) !== LEN) throw new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${single} or ${LEN}`);
  r.pos = at;
  r.len = end;
  const len = r.size();
  const pos = r.pos;
  const inner = pos + len;
  if (inner > end) throw new RangeError(`packed field of ${len} bytes at offset ${pos} runs past its message`);
  if (size > 0) {
    if (len % size !== 0) throw new Error(`packed field of ${len} bytes is not a multiple of ${size}`);
    return inner;
  }
  let p = pos;
  while (p < inner) p = skipVarint(r.buf, p, inner);
  return p;
}

function wireTypeError(tag: number, wireType: number): Error {
  return new Error(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
}

/**
 * Checks `bytes` as decodeRequest would and counts its items, without decoding. Throws (as decodeRequest's
 * reader does, before it is wrapped in an OtlpDecodeError) for anything that is not a well-formed request.
 */
export function scanRequest(signal: PipelineType, bytes: Uint8Array): Scan {
  return walk(newReader(bytes), REQUESTS[signal]);
}
