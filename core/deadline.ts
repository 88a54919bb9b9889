// Deadlines and withdrawal across merged requests. A batch carries the data of several senders; it may be
// abandoned only when every one of them gave up, and it is worth working on until the last of them gives up.
import type { ConsumeContext } from './consumer.ts';

/** Milliseconds left before ctx's deadline (may be negative); Infinity without one. */
export function remainingMs(ctx: ConsumeContext | undefined, now = Date.now()): number {
  return ctx?.deadline === undefined ? Number.POSITIVE_INFINITY : ctx.deadline - now;
}

/** A signal that aborts once every one of `signals` has aborted (AbortSignal.any is the opposite). */
export function allAborted(signals: readonly AbortSignal[]): AbortSignal {
  const first = signals[0];
  if (signals.length === 1 && first) return first;
  const ac = new AbortController();
  let left = 0;
  const one = (): void => {
    if (--left === 0) ac.abort(first?.reason);
  };
  for (const s of signals) {
    if (s.aborted) continue;
    left++;
    s.addEventListener('abort', one, { once: true });
  }
  if (left === 0) ac.abort(first?.reason);
  return ac.signal;
}

/**
 * The deadline and withdrawal signal of data merged from several consumes: the latest deadline, and a signal that
 * aborts when all senders gave up. A sender without a deadline (or without a signal) leaves the merge without one,
 * since its data must be kept going.
 */
export function mergedDeadline(ctxs: readonly ConsumeContext[]): Pick<ConsumeContext, 'deadline' | 'signal'> {
  const out: { deadline?: number; signal?: AbortSignal } = {};
  if (ctxs.length === 0) return out;
  let deadline = Number.NEGATIVE_INFINITY;
  const signals: AbortSignal[] = [];
  for (const c of ctxs) {
    deadline = c.deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(deadline, c.deadline);
    if (c.signal) signals.push(c.signal);
  }
  if (Number.isFinite(deadline)) out.deadline = deadline;
  if (signals.length === ctxs.length) out.signal = allAborted(signals);
  return out;
}
