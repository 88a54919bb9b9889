// Cuts the bytes read from a connection into whole MQTT packets and hands them to a visitor, which passes each on
// unchanged or keeps it (a copy). Consecutive packets passed on go out as one slice of the read, without copying. A
// PUBLISH larger than the limit is reported once its topic and packet ID are in, and the rest of it is discarded as
// it arrives: it is never buffered whole.
import type { FixedHeader } from './packet-frames.ts';
import { PUBLISH, fixedHeader, publishPrefixLength } from './packet-frames.ts';

export interface CutterVisitor {
  /** A whole packet at `buf[off, off + h.total)`: true passes it on, false means the visitor took care of it. */
  packet(buf: Buffer, off: number, h: FixedHeader): boolean;
  /** A PUBLISH above the limit; `buf` holds its prefix up to the packet ID. */
  tooLarge(buf: Buffer, off: number, h: FixedHeader): void;
  /** Bytes to pass on unchanged, in order. */
  pass(slice: Buffer): void;
}

export class PacketCutter {
  /** An incomplete packet, and how many bytes are needed before cutting again. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private need = 0;
  /** Bytes of an oversized PUBLISH still to discard. */
  private skip = 0;

  constructor(
    private readonly maxPacketSize: number,
    private readonly visitor: CutterVisitor,
  ) {}

  /** Throws on a malformed packet (the connection cannot be read further). */
  write(chunk: Buffer): void {
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
      if (chunk.length === 0) return;
    }
    this.parts.push(chunk);
    this.partBytes += chunk.length;
    if (this.partBytes < this.need) return;
    const buf = this.parts.length === 1 ? chunk : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    this.need = 0;
    this.cut(buf);
  }

  private cut(buf: Buffer): void {
    let off = 0;
    let run = 0; // start of the packets to pass on as one slice
    while (off < buf.length) {
      const h = fixedHeader(buf, off);
      if (!h) break;
      if (h.type === PUBLISH && h.total > this.maxPacketSize) {
        const prefix = publishPrefixLength(buf, off, h);
        if (prefix === undefined || buf.length - off < prefix) {
          this.need = prefix ?? h.headerLength + 2;
          break;
        }
        this.pass(buf, run, off);
        this.visitor.tooLarge(buf, off, h);
        const have = Math.min(h.total, buf.length - off);
        this.skip = h.total - have;
        run = off += have;
        continue;
      }
      if (buf.length - off < h.total) {
        this.need = h.total;
        break;
      }
      const end = off + h.total;
      if (!this.visitor.packet(buf, off, h)) {
        this.pass(buf, run, off);
        run = end;
      }
      off = end;
    }
    this.pass(buf, run, off);
    if (off < buf.length) {
      this.parts = [buf.subarray(off)];
      this.partBytes = buf.length - off;
      this.need = Math.max(this.need, this.partBytes + 1);
    }
  }

  private pass(buf: Buffer, from: number, to: number): void {
    if (to > from) this.visitor.pass(buf.subarray(from, to));
  }
}
