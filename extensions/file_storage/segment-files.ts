// The segment log's files: their names, and what a start finds in them (recovery). Every queued record is checked
// on open, so damage is found before anything is sent, and the queue's size is known without decoding.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogUsage, RecordLogOptions } from '../../core/storage.ts';
import { scanSegment } from './record-frame.ts';

export const ACK_FILE = 'ack';
const SEGMENT_NAME = /^(\d{16})\.seg$/;

export interface Segment {
  seq: number;
  /** Bytes of whole, durable records: what a reader may read. */
  end: number;
  /** Bytes of the file, a skipped tail included. */
  file: number;
  /** Not appended to any more. */
  sealed: boolean;
  /** Records not yet read, for the usage a skipped stretch takes away. */
  unread: LogUsage;
}

export const segName = (seq: number): string => `${String(seq).padStart(16, '0')}.seg`;
export const zero = (): LogUsage => ({ records: 0, items: 0, bytes: 0 });

export interface Recovered {
  segments: Segment[];
  usage: LogUsage;
  /** Where reading resumes. */
  read: { seq: number; offset: number };
  /** The highest sequence number in use: new segments are numbered after it. */
  lastSeq: number;
  diskBytes: number;
}

/** Every segment at or after the acknowledged position, checked record by record; those before it are deleted. */
export async function recoverSegments(dir: string, opts: RecordLogOptions): Promise<Recovered> {
  const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
  const ack = await readAck(dir);
  // Sequence numbers only grow: a segment named below the ack position would be taken as consumed.
  const r: Recovered = {
    segments: [],
    usage: zero(),
    read: { seq: ack?.seq ?? 0, offset: 0 },
    lastSeq: 0,
    diskBytes: 0,
  };
  r.lastSeq = ack?.seq ?? 0;
  for (const name of names) {
    const seq = Number(SEGMENT_NAME.exec(name)![1]);
    r.lastSeq = Math.max(r.lastSeq, seq);
    const path = join(dir, name);
    if (ack && seq < ack.seq) {
      await rm(path, { force: true });
      continue;
    }
    const buf = await readFile(path);
    const start = ack && seq === ack.seq ? Math.min(ack.offset, buf.byteLength) : 0;
    const scan = scanSegment(buf, start);
    if (scan.corrupt !== undefined) {
      opts.onCorrupt?.({
        segment: name,
        offset: scan.validEnd,
        bytes: buf.byteLength - scan.validEnd,
        reason: scan.corrupt,
      });
    }
    const unread = { records: scan.records, items: scan.items, bytes: scan.bytes };
    r.segments.push({ seq, end: scan.validEnd, file: buf.byteLength, sealed: true, unread });
    if (r.segments.length === 1) r.read = { seq, offset: start };
    r.usage.records += scan.records;
    r.usage.items += scan.items;
    r.usage.bytes += scan.bytes;
    r.diskBytes += buf.byteLength;
  }
  return r;
}

async function readAck(dir: string): Promise<{ seq: number; offset: number } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, ACK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  // A torn or empty ack file (a crash during its rename) means: read from the oldest segment on.
  const m = /^(\d+) (\d+)\n$/.exec(text);
  return m ? { seq: Number(m[1]), offset: Number(m[2]) } : undefined;
}
