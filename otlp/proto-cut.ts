// Cutting an encoded request into pieces of at most `max` items without decoding it, as core/pdata/split.ts cuts
// the object form: in order, every piece full but the last, each piece with its own copy of the resource and scope
// (and, for a metric whose points straddle a boundary, of the metric) around the items it holds. Only the containers
// that straddle a boundary are written anew (their other fields copied as they came, then the children the piece
// holds); everything else is copied as it came. Containers without items go to the piece being filled when they
// come, as split.ts puts them. The bytes must have passed scanRequest (proto-scan.ts) with verbatim: true.
import type { PipelineType } from '../core/pdata/index.ts';
import { LEN } from './proto-schema.ts';
import * as F from './proto-schema.ts';

/** How a container's children are found: the field numbers that hold them, and what they are. */
interface Level {
  readonly children: ReadonlySet<number>;
  /** undefined: the children are items (weight 1 each). */
  readonly next?: Level;
}

const ITEMS: Level = { children: new Set([F.SCOPE_X.items]) };
const RESOURCES = (scope: Level): Level => ({
  children: new Set([F.REQUEST_RESOURCES]),
  next: { children: new Set([F.RESOURCE_X.scopeX]), next: scope },
});
const METRIC_DATA = new Set([
  F.METRIC.gauge,
  F.METRIC.sum,
  F.METRIC.histogram,
  F.METRIC.exponentialHistogram,
  F.METRIC.summary,
]);
const LEVELS: Record<PipelineType, Level> = {
  traces: RESOURCES(ITEMS),
  logs: RESOURCES(ITEMS),
  // A metric weighs its data points: metric > its data (one of five kinds) > data points.
  metrics: RESOURCES({
    children: new Set([F.SCOPE_X.items]),
    next: { children: METRIC_DATA, next: { children: new Set([F.METRIC_DATA.dataPoints]) } },
  }),
};

/** A field of a container: where it lies, and for a child, what it holds. */
interface Field {
  /** The whole field: tag, length and content. */
  start: number;
  end: number;
  /** Set for a child: its content and its items. */
  child?: { tag: number; contentStart: number; node?: Node; weight: number };
}

interface Node {
  fields: Field[];
  weight: number;
}

function varint(buf: Uint8Array, at: { pos: number }): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at.pos++] as number;
    value += (b & 127) * 2 ** shift;
    if (b < 128) return value;
    shift += 7;
  }
}

function skip(buf: Uint8Array, at: { pos: number }, wireType: number): void {
  switch (wireType) {
    case 0:
      varint(buf, at);
      return;
    case 1:
      at.pos += 8;
      return;
    case 2: {
      const len = varint(buf, at);
      at.pos += len;
      return;
    }
    case 5:
      at.pos += 4;
      return;
    case 3: {
      // A group (deprecated, but skipped by the decoder): up to its matching end tag.
      for (;;) {
        const t = varint(buf, at);
        if ((t & 7) === 4) return;
        skip(buf, at, t & 7);
      }
    }
  }
  throw new Error(`unexpected wire type ${wireType}`);
}

function parse(buf: Uint8Array, start: number, end: number, level: Level): Node {
  const fields: Field[] = [];
  let weight = 0;
  const at = { pos: start };
  while (at.pos < end) {
    const fieldStart = at.pos;
    const tag = varint(buf, at);
    if ((tag & 7) === LEN && level.children.has(tag >>> 3)) {
      const len = varint(buf, at);
      const contentStart = at.pos;
      at.pos += len;
      const node = level.next ? parse(buf, contentStart, at.pos, level.next) : undefined;
      const w = node ? node.weight : 1;
      weight += w;
      fields.push({ start: fieldStart, end: at.pos, child: { tag, contentStart, node, weight: w } });
    } else {
      skip(buf, at, tag & 7);
      fields.push({ start: fieldStart, end: at.pos });
    }
  }
  return { fields, weight };
}

function putVarint(out: number[], v: number): void {
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Chunks of bytes and their total length. */
interface Chunks {
  list: Uint8Array[];
  length: number;
}

function add(c: Chunks, b: Uint8Array): void {
  c.list.push(b);
  c.length += b.byteLength;
}

class Cutter {
  constructor(
    private readonly buf: Uint8Array,
    private readonly max: number,
  ) {}

  /** The piece an item-less container at item offset `at` goes to: the one being filled there. */
  private pieceOfEmpty(at: number): number {
    return at === 0 ? 0 : Math.ceil(at / this.max) - 1;
  }

  /**
   * The content of `node` (whose first item is item `at` of the request) restricted to piece `p`: its other fields
   * as they came, then the children that hold items of the piece, whole or cut in turn.
   */
  content(node: Node, at: number, p: number, out: Chunks): void {
    const lo = p * this.max;
    const hi = lo + this.max;
    const others: Field[] = [];
    const kids: Chunks = { list: [], length: 0 };
    let offset = at;
    for (const f of node.fields) {
      const c = f.child;
      if (!c) {
        others.push(f);
        continue;
      }
      const from = offset;
      offset += c.weight;
      const inPiece = c.weight === 0 ? this.pieceOfEmpty(from) === p : from < hi && offset > lo;
      if (!inPiece) continue;
      if (c.weight === 0 || (from >= lo && offset <= hi) || !c.node) add(kids, this.buf.subarray(f.start, f.end));
      else {
        const inner: Chunks = { list: [], length: 0 };
        this.content(c.node, from, p, inner);
        const head: number[] = [];
        putVarint(head, c.tag);
        putVarint(head, inner.length);
        add(kids, Uint8Array.from(head));
        for (const b of inner.list) add(kids, b);
      }
    }
    for (const f of others) add(out, this.buf.subarray(f.start, f.end));
    for (const b of kids.list) add(out, b);
  }
}

function join(c: Chunks): Uint8Array {
  const out = Buffer.allocUnsafe(c.length);
  let at = 0;
  for (const b of c.list) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/**
 * `bytes` (a request of `signal` that scanRequest passed verbatim) in pieces of at most `max` items, as
 * splitData cuts the decoded request; each piece's item count is min(max, what is left).
 */
export function cutRequest(signal: PipelineType, bytes: Uint8Array, max: number): Uint8Array[] {
  const root = parse(bytes, 0, bytes.byteLength, LEVELS[signal]);
  const pieces = Math.max(1, Math.ceil(root.weight / max));
  const cutter = new Cutter(bytes, max);
  const out: Uint8Array[] = [];
  for (let p = 0; p < pieces; p++) {
    const c: Chunks = { list: [], length: 0 };
    cutter.content(root, 0, p, c);
    out.push(join(c));
  }
  return out;
}
