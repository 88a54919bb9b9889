// Retries that reach only the branches still missing the data. A fan-out fails its consume when any branch fails,
// and the sender then offers the data again; without this, every branch that had already accepted it got it again
// (two exporters, one answering 503: the healthy one received a copy on every retry). A sender that retries passes
// the same RetryKey on each attempt (ConsumeContext.retryKey); every fan-out records on the key which of its
// branches accepted everything sent under it, and on a later attempt sends only to the others.
//
// The record lives on the key, which the sender holds only until the data is settled or abandoned: nothing global
// is kept, so memory is bounded by what senders hold unsettled and needs no clean-up. A consumer that regroups data
// from several senders (the batch processor) says which items of each consume came under which key
// (ConsumeContext.parts), so that a fan-out can leave out of a regrouped retry exactly the items a branch accepted
// before, whatever they are grouped with this time.
import type { ConsumeContext } from './consumer.ts';
import { signalOf } from './obsreport.ts';
import type { SignalData } from './pdata/index.ts';
import { itemCount } from './pdata/index.ts';
import type { ItemRange } from './pdata/pick.ts';
import { pickItems } from './pdata/pick.ts';

/** The identity of some data across its sender's attempts to deliver it: one per batch the sender retries. */
export class RetryKey {
  /** Per fan-out (its identity object), the branches that accepted everything sent under this key. */
  private accepted: Map<object, Set<number>> | undefined;

  /** true when branch `branch` of `fanout` accepted everything sent under this key. */
  acceptedBy(fanout: object, branch: number): boolean {
    return this.accepted?.get(fanout)?.has(branch) ?? false;
  }

  markAccepted(fanout: object, branch: number): void {
    this.accepted ??= new Map();
    let branches = this.accepted.get(fanout);
    if (!branches) this.accepted.set(fanout, (branches = new Set<number>()));
    branches.add(branch);
  }
}

/**
 * One sender's data in one attempt, as a regrouping consumer forwards it, possibly cut over several consumes: a
 * branch has accepted the key's data once it accepted all `items` of the share, in whichever consumes.
 */
export class Share {
  private readonly got = new Map<object, Map<number, number>>();

  constructor(
    readonly key: RetryKey,
    readonly items: number,
  ) {}

  /** Branch `branch` of `fanout` accepted `n` more of this share's items. */
  accept(fanout: object, branch: number, n: number): void {
    let branches = this.got.get(fanout);
    if (!branches) this.got.set(fanout, (branches = new Map<number, number>()));
    const total = (branches.get(branch) ?? 0) + n;
    branches.set(branch, total);
    if (total >= this.items) this.key.markAccepted(fanout, branch);
  }
}

/** A run of items of a consume's data. A consume's parts lie end to end and cover all of its items. */
export interface DataPart {
  /** Counted as itemCount counts them: spans, metric data points, log records, messages. */
  readonly items: number;
  /** Absent: no sender retries these items under a key (an OTLP client's request); every attempt reaches every branch. */
  readonly share?: Share;
}

function sum(parts: readonly DataPart[]): number {
  let n = 0;
  for (const p of parts) n += p.items;
  return n;
}

/**
 * The parts of a consume of `items` items under `ctx`, for a consumer that regroups it; undefined when none of its
 * items is retried under a key (then it need not be tracked), or when `ctx.parts` does not add up to `items`.
 */
export function keyedParts(ctx: ConsumeContext | undefined, items: number): readonly DataPart[] | undefined {
  if (ctx?.parts) return ctx.parts.some((p) => p.share) && sum(ctx.parts) === items ? ctx.parts : undefined;
  if (ctx?.retryKey) return [{ items, share: new Share(ctx.retryKey, items) }];
  return undefined;
}

/**
 * The parts of each piece when consumes laid out as `layouts` are concatenated in order and cut into pieces of
 * `sizes` items, in order (as splitData cuts, or any split that keeps the order); undefined for a piece without
 * keyed items. Items beyond the sizes given are left out.
 */
export function cutParts(
  layouts: readonly (readonly DataPart[])[],
  sizes: readonly number[],
): (readonly DataPart[] | undefined)[] {
  const pieces: (readonly DataPart[] | undefined)[] = [];
  let piece: DataPart[] = [];
  let keyed = false;
  let i = 0;
  let room = sizes[0] ?? 0;
  const next = (): void => {
    pieces.push(keyed ? piece : undefined);
    piece = [];
    keyed = false;
    room = sizes[++i] ?? 0;
  };
  for (const layout of layouts) {
    for (const { items, share } of layout) {
      for (let left = items; left > 0 && i < sizes.length; ) {
        if (room === 0) {
          next();
          continue;
        }
        const n = Math.min(room, left);
        const last = piece.at(-1);
        if (last && last.share === share) piece[piece.length - 1] = { ...last, items: last.items + n };
        else piece.push(share ? { items: n, share } : { items: n });
        keyed ||= share !== undefined;
        left -= n;
        room -= n;
      }
    }
  }
  while (i < sizes.length) next();
  return pieces;
}

/** What one branch of a fan-out is sent of a consume. */
export interface BranchView<T> {
  readonly data: T;
  readonly ctx: ConsumeContext | undefined;
  /** Records that the branch accepted what it was sent (its consume resolved). */
  accepted(): void;
}

/** What a fan-out sends each branch of one consume: all of it but what the branch accepted on an earlier attempt. */
export interface RetryView<T> {
  /** undefined: the branch accepted all of it before, and is not called. */
  forBranch(fanout: object, branch: number): BranchView<T> | undefined;
}

/** The view of a consume under a key; undefined when nothing in it is retried under a key (the usual case). */
export function retryView<T extends SignalData>(data: T, ctx: ConsumeContext | undefined): RetryView<T> | undefined {
  if (ctx?.parts) {
    if (!ctx.parts.some((p) => p.share)) return undefined;
    const total = itemCount(signalOf(data), data);
    // Parts passed on by a consumer that changed the items would leave the wrong items out: a branch gets the data
    // again (at least once) rather than never.
    if (sum(ctx.parts) !== total) return undefined;
    return partsView(data, ctx, ctx.parts, total);
  }
  const key = ctx?.retryKey;
  if (!key) return undefined;
  return {
    forBranch: (fanout, branch) =>
      key.acceptedBy(fanout, branch) ? undefined : { data, ctx, accepted: () => key.markAccepted(fanout, branch) },
  };
}

function partsView<T extends SignalData>(
  data: T,
  ctx: ConsumeContext,
  parts: readonly DataPart[],
  total: number,
): RetryView<T> {
  return {
    forBranch(fanout, branch) {
      const kept: DataPart[] = [];
      const ranges: [number, number][] = [];
      let pos = 0;
      for (const p of parts) {
        if (!p.share?.key.acceptedBy(fanout, branch)) {
          kept.push(p);
          const last = ranges.at(-1);
          if (last && last[1] === pos) last[1] = pos + p.items;
          else ranges.push([pos, pos + p.items]);
        }
        pos += p.items;
      }
      if (kept.length === 0) return undefined;
      const accepted = (): void => {
        for (const p of kept) p.share?.accept(fanout, branch, p.items);
      };
      if (kept.length === parts.length) return { data, ctx, accepted };
      return { data: pickItems(data, ranges as ItemRange[], total), ctx: { ...ctx, parts: kept }, accepted };
    },
  };
}
