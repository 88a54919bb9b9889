// The storage engine: an append-only log of segment files in one directory, read back in order.
//
// Appends are group-committed: an append joins the batch of the next write, and one write plus one fdatasync
// settles the whole batch, so the cost of an fsync is shared by everything that arrived while the previous one
// ran. Segments are sealed at SEGMENT_BYTES and a fresh one is started on every open (a torn tail of the last run
// is never appended to). A segment is deleted once every record in it was acknowledged: that is the compaction a
// segment log needs. The read position survives a restart in the `ack` file, written a little after it moves; a
// stale one only means a few acknowledged records are read again (at-least-once), never that one is lost.
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogUsage, RecordLog, RecordLogOptions, StoredRecord } from '../../core/storage.ts';
import { HEADER_BYTES, crcMatches, frameHeader, readHeader } from './record-frame.ts';
import type { Segment } from './segment-files.ts';
import { ACK_FILE, recoverSegments, segName, zero } from './segment-files.ts';

export const SEGMENT_BYTES = 8 * 1024 * 1024;
const ACK_WRITE_DELAY_MS = 100;
/** How much the reader reads at once: many records of a typical request size, little memory. */
const READ_AHEAD_BYTES = 1024 * 1024;

interface Pending {
  header: Buffer;
  payload: Uint8Array;
  items: number;
  resolve(): void;
  reject(err: unknown): void;
}

interface InFlight {
  id: number;
  seq: number;
  end: number;
  items: number;
  bytes: number;
  done: boolean;
}

export interface SegmentLogOptions extends RecordLogOptions {
  fsync: boolean;
  segmentBytes?: number;
}

export class SegmentLog implements RecordLog {
  readonly usage: LogUsage = zero();
  private readonly segments: Segment[] = [];
  private writer: FileHandle | undefined;
  private batch: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private read = { seq: 0, offset: 0 };
  private reader: { seq: number; fh: FileHandle } | undefined;
  private ahead: { seq: number; start: number; buf: Buffer } | undefined;
  private readChain: Promise<unknown> = Promise.resolve();
  private readonly inFlight: InFlight[] = [];
  private nextId = 1;
  private wake: (() => void) | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackWrite: Promise<void> = Promise.resolve();
  private closed = false;
  private diskTotal = 0;
  private lastSeq = 0;

  private constructor(
    private readonly dir: string,
    private readonly opts: SegmentLogOptions,
  ) {}

  static async open(dir: string, opts: SegmentLogOptions): Promise<SegmentLog> {
    await mkdir(dir, { recursive: true });
    const log = new SegmentLog(dir, opts);
    const r = await recoverSegments(dir, opts);
    log.segments.push(...r.segments);
    Object.assign(log.usage, r.usage);
    log.read = r.read;
    log.lastSeq = r.lastSeq;
    log.diskTotal = r.diskBytes;
    return log;
  }

  get diskBytes(): number {
    return this.diskTotal;
  }

  append(payload: Uint8Array, items: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the log is closed'));
    this.usage.records++;
    this.usage.items += items;
    this.usage.bytes += payload.byteLength;
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ header: frameHeader(payload, items), payload, items, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  next(): Promise<StoredRecord | undefined> {
    // One read at a time: records are handed out in order whatever the number of consumers.
    const p = this.readChain.then(() => this.readOne());
    this.readChain = p.catch(() => undefined);
    return p;
  }

  ack(id: number): void {
    // Ids are handed out consecutively and leave from the head only, so the position follows from the first.
    const r = this.inFlight[id - (this.inFlight[0]?.id ?? id)];
    if (r?.id !== id || r.done) return;
    r.done = true;
    this.usage.records--;
    this.usage.items -= r.items;
    this.usage.bytes -= r.bytes;
    let moved = false;
    while (this.inFlight[0]?.done) {
      this.inFlight.shift();
      moved = true;
    }
    if (moved && !this.closed && !this.ackTimer) {
      this.ackTimer = setTimeout(() => void this.persistAck(), ACK_WRITE_DELAY_MS);
      this.ackTimer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    while (this.flushing) await this.flushing;
    await this.readChain;
    clearTimeout(this.ackTimer);
    await this.persistAck();
    await this.writer?.close();
    await this.reader?.fh.close();
    this.writer = undefined;
    this.reader = undefined;
    this.ahead = undefined;
  }

  // -- writing --

  private async flush(): Promise<void> {
    try {
      while (this.batch.length > 0) {
        const batch = this.batch;
        this.batch = [];
        await this.writeBatch(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      const seg = await this.writableSegment();
      const bufs = batch.flatMap((p) => [p.header, p.payload]);
      const length = bufs.reduce((n, b) => n + b.byteLength, 0);
      const { bytesWritten } = await this.writer!.writev(bufs, seg.end);
      if (bytesWritten !== length) throw new Error(`short write (${bytesWritten} of ${length} bytes)`);
      if (this.opts.fsync) await this.writer!.datasync();
      seg.end += length;
      seg.file = seg.end;
      this.diskTotal += length;
      for (const p of batch) {
        seg.unread.records++;
        seg.unread.items += p.items;
        seg.unread.bytes += p.payload.byteLength;
      }
      for (const p of batch) p.resolve();
      this.wake?.();
    } catch (err) {
      // What was written of the batch is past `end`, where no reader looks; the next batch starts a new segment.
      await this.sealWriter();
      for (const p of batch) {
        this.usage.records--;
        this.usage.items -= p.items;
        this.usage.bytes -= p.payload.byteLength;
        p.reject(err);
      }
    }
  }

  private async writableSegment(): Promise<Segment> {
    const last = this.segments.at(-1);
    if (last && !last.sealed && this.writer && last.end < (this.opts.segmentBytes ?? SEGMENT_BYTES)) return last;
    await this.sealWriter();
    const seq = ++this.lastSeq;
    const fh = await open(join(this.dir, segName(seq)), 'wx');
    // The new file's directory entry must be durable too, or a crash could lose a segment whose records were
    // acknowledged upstream.
    if (this.opts.fsync) await this.syncDir();
    this.writer = fh;
    const seg: Segment = { seq, end: 0, file: 0, sealed: false, unread: zero() };
    this.segments.push(seg);
    return seg;
  }

  private async sealWriter(): Promise<void> {
    const last = this.segments.at(-1);
    if (last) last.sealed = true;
    const w = this.writer;
    this.writer = undefined;
    await w?.close().catch(() => undefined);
    this.wake?.();
  }

  private async syncDir(): Promise<void> {
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  // -- reading --

  private async readOne(): Promise<StoredRecord | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const seg =
        this.segments.find((s) => s.seq === this.read.seq) ?? this.segments.find((s) => s.seq > this.read.seq);
      if (seg && seg.seq !== this.read.seq) this.read = { seq: seg.seq, offset: 0 };
      if (seg && this.read.offset < seg.end) {
        const r = await this.readAt(seg);
        if (r) return r;
        continue;
      }
      if (seg?.sealed && this.segments.some((s) => s.seq > seg.seq)) {
        this.read = { seq: seg.seq + 1, offset: 0 };
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private async readAt(seg: Segment): Promise<StoredRecord | undefined> {
    const offset = this.read.offset;
    const header = await this.bytesAt(seg, offset, Math.min(HEADER_BYTES, seg.end - offset));
    const h = readHeader(header, header.byteLength < HEADER_BYTES ? header.byteLength : seg.end - offset);
    let payload: Buffer | undefined;
    if (h.ok) {
      const view = await this.bytesAt(seg, offset + HEADER_BYTES, h.length);
      // A copy, so a consumer holding one payload does not keep the whole read-ahead block alive.
      if (view.byteLength === h.length) payload = Buffer.from(view);
    }
    if (!h.ok || !payload || !crcMatches(header, payload)) {
      this.skipRest(seg, offset, h.ok ? 'CRC mismatch' : h.reason);
      return undefined;
    }
    const end = offset + HEADER_BYTES + h.length;
    this.read.offset = end;
    seg.unread.records--;
    seg.unread.items -= h.items;
    seg.unread.bytes -= h.length;
    const id = this.nextId++;
    this.inFlight.push({ id, seq: seg.seq, end, items: h.items, bytes: h.length, done: false });
    return { id, payload, items: h.items };
  }

  /**
   * `length` bytes of `seg` at `offset`, from a block read ahead: one read serves the many records a block holds (a
   * read per header and per payload made the drain cost two thread-pool round trips per record). Bytes before
   * `seg.end` never change (the log only appends), so a block stays valid until reading leaves it. Fewer bytes than
   * asked when the file is shorter.
   */
  private async bytesAt(seg: Segment, offset: number, length: number): Promise<Buffer> {
    const a = this.ahead;
    if (a?.seq === seg.seq && offset >= a.start && offset + length <= a.start + a.buf.byteLength) {
      return a.buf.subarray(offset - a.start, offset - a.start + length);
    }
    if (this.reader?.seq !== seg.seq) {
      await this.reader?.fh.close();
      this.reader = { seq: seg.seq, fh: await open(join(this.dir, segName(seg.seq)), 'r') };
    }
    const size = Math.max(length, Math.min(READ_AHEAD_BYTES, seg.end - offset));
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.reader.fh.read(buf, 0, size, offset);
    this.ahead = { seq: seg.seq, start: offset, buf: buf.subarray(0, bytesRead) };
    return buf.subarray(0, Math.min(length, bytesRead));
  }

  /** A record that fails its checks while being read (the disk changed under us): the rest of the segment goes. */
  private skipRest(seg: Segment, offset: number, reason: string): void {
    this.opts.onCorrupt?.({ segment: segName(seg.seq), offset, bytes: seg.end - offset, reason });
    this.usage.records -= seg.unread.records;
    this.usage.items -= seg.unread.items;
    this.usage.bytes -= seg.unread.bytes;
    seg.unread = zero();
    seg.sealed = true;
    this.read.offset = seg.end;
  }

  // -- the acknowledged position --

  /** Where reading resumes after a restart: the first record read and not acknowledged, or the read position. */
  private ackPosition(): { seq: number; offset: number } {
    const first = this.inFlight[0];
    if (!first) return { ...this.read };
    return { seq: first.seq, offset: first.end - HEADER_BYTES - first.bytes };
  }

  private persistAck(): Promise<void> {
    this.ackTimer = undefined;
    this.ackWrite = this.ackWrite.then(async () => {
      const pos = this.ackPosition();
      const tmp = join(this.dir, `${ACK_FILE}.tmp`);
      await writeFile(tmp, `${pos.seq} ${pos.offset}\n`);
      await rename(tmp, join(this.dir, ACK_FILE));
      await this.deleteBefore(pos.seq);
    });
    this.ackWrite = this.ackWrite.catch(() => undefined);
    return this.ackWrite;
  }

  /** Deletes sealed segments wholly before `seq`: every record in them was acknowledged. */
  private async deleteBefore(seq: number): Promise<void> {
    while (this.segments.length > 0 && this.segments[0]!.seq < seq && this.segments[0]!.sealed) {
      const s = this.segments.shift()!;
      if (this.reader?.seq === s.seq) {
        await this.reader.fh.close();
        this.reader = undefined;
      }
      await rm(join(this.dir, segName(s.seq)), { force: true });
      this.diskTotal -= s.file;
    }
  }
}
