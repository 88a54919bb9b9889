// Splits a device's byte stream into whole MQTT packets, one at a time. mqtt-packet's parser emits every packet of
// a chunk at once and buffers a packet of any announced length; framing here first lets the server refuse an
// oversize packet from its fixed header (before buffering its body) and stop between two packets when a window is
// full, so what is held beyond the window is at most one socket read.

import { fixedHeader } from '../packet-frames.ts';
import type { FixedHeader } from '../packet-frames.ts';

export type Frame = { kind: 'packet'; bytes: Buffer } | { kind: 'oversize'; length: number } | { kind: 'malformed' };

export class Framer {
  private pending: Buffer[] = [];
  private buffered = 0;

  /** @param maxPacketSize the largest whole packet (fixed header included) accepted. */
  constructor(private readonly maxPacketSize: number) {}

  /** Bytes received and not yet taken as packets. */
  get size(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole packet, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    if (this.buffered === 0) return undefined;
    let header: FixedHeader | undefined;
    try {
      header = fixedHeader(this.peek(5), 0);
    } catch {
      return { kind: 'malformed' }; // a fifth length byte: not MQTT
    }
    if (header === undefined) return undefined;
    const { total } = header;
    if (total > this.maxPacketSize) return { kind: 'oversize', length: total };
    if (this.buffered < total) return undefined;
    return { kind: 'packet', bytes: this.take(total) };
  }

  private peek(n: number): Buffer {
    const first = this.pending[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.pending).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
