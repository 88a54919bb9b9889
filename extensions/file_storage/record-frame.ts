// How a record sits in a segment file: a 12-byte header, then the payload.
//
//   u32 LE  length of the payload
//   u32 LE  CRC-32 of the items field and the payload (zlib's, as node:zlib computes it)
//   u32 LE  item count (spans, points, log records), so a restart can size the queue without decoding
//   payload
//
// A crash can leave a record half written (a torn tail) and a disk can flip bits: the length bounds and the CRC
// catch both. Nothing after a bad frame in the same segment can be trusted to start on a frame boundary, so the
// rest of that segment is skipped.
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 12;
/** Larger than any request an exporter sends; a length above it is corruption, not data. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

export function frameHeader(payload: Uint8Array, items: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(payload.byteLength, 0);
  h.writeUInt32LE(items, 8);
  h.writeUInt32LE(crc32(payload, crc32(h.subarray(8, 12))), 4);
  return h;
}

export type FrameCheck =
  | { ok: true; length: number; items: number }
  | { ok: false; reason: string; needMore?: boolean };

/** Reads the header at `buf[0..12)`; `available` is how many bytes the segment holds from the header on. */
export function readHeader(buf: Uint8Array, available: number): FrameCheck {
  if (available < HEADER_BYTES) return { ok: false, reason: 'torn record header' };
  const v = new DataView(buf.buffer, buf.byteOffset, HEADER_BYTES);
  const length = v.getUint32(0, true);
  if (length > MAX_PAYLOAD_BYTES) return { ok: false, reason: `record length ${length} out of bounds` };
  if (HEADER_BYTES + length > available) return { ok: false, reason: 'torn record (shorter than its length)' };
  return { ok: true, length, items: v.getUint32(8, true) };
}

/** True when the CRC in `header` matches its items field and `payload`. */
export function crcMatches(header: Uint8Array, payload: Uint8Array): boolean {
  const v = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
  return v.getUint32(4, true) === crc32(payload, crc32(header.subarray(8, 12)));
}

export interface ScanResult {
  /** Where the last good record ends. */
  validEnd: number;
  records: number;
  items: number;
  bytes: number;
  /** Why the scan stopped before the end, if it did. */
  corrupt?: string;
}

/** Checks every record of a segment's bytes from `start`, stopping at the first bad one. */
export function scanSegment(buf: Uint8Array, start: number): ScanResult {
  const r: ScanResult = { validEnd: start, records: 0, items: 0, bytes: 0 };
  let off = start;
  while (off < buf.byteLength) {
    const h = readHeader(buf.subarray(off, off + HEADER_BYTES), buf.byteLength - off);
    if (!h.ok) return { ...r, corrupt: h.reason };
    const header = buf.subarray(off, off + HEADER_BYTES);
    const payload = buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + h.length);
    if (!crcMatches(header, payload)) return { ...r, corrupt: 'CRC mismatch' };
    off += HEADER_BYTES + h.length;
    r.validEnd = off;
    r.records++;
    r.items += h.items;
    r.bytes += h.length;
  }
  return r;
}
