import type { ConsumeContext, Consumer } from './consumer.ts';
import { isPermanent } from './errors.ts';
import type { SignalData } from './pdata/index.ts';
import { cloneData } from './pdata/index.ts';
import { retryView } from './resend.ts';

/**
 * One consumer that feeds several. Read-only consumers share the original; a consumer that mutates gets its own
 * copy, unless it is the only consumer, or the last one and every other consumer also gets a copy.
 * The result settles when every consumer has settled: it resolves only if all resolved; otherwise it fails with a
 * retryable error if any failure was retryable (so the sender keeps the data), else permanent.
 * A consumer that resolved keeps what it took: when the sender retries under the same `ctx.retryKey` (or `parts`
 * carrying it), the retry goes only to the consumers that have not accepted the data yet (resend.ts).
 */
export function fanout<T extends SignalData>(consumers: readonly Consumer<T>[]): Consumer<T> {
  if (consumers.length === 1) return consumers[0] as Consumer<T>;
  const anyReadOnly = consumers.some((c) => !c.mutatesData);
  const lastMutating = anyReadOnly ? -1 : consumers.length - 1;
  // This fan-out's name in the retry keys' records: a key passes through several fan-outs (pipelines, exporters).
  const self = {};
  return {
    mutatesData: false,
    async consume(data: T, ctx?: ConsumeContext): Promise<void> {
      const view = retryView(data, ctx);
      // async wrapper: a consumer that throws synchronously must not stop the others being called.
      const send = async (c: Consumer<T>, i: number): Promise<void> => {
        const b = view ? view.forBranch(self, i) : { data, ctx, accepted: undefined };
        if (!b) return;
        await c.consume(c.mutatesData && i !== lastMutating ? cloneData(b.data) : b.data, b.ctx);
        b.accepted?.();
      };
      const results = await Promise.allSettled(consumers.map(send));
      const failures = results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as unknown);
      if (failures.length === 0) return;
      throw failures.find((e) => !isPermanent(e)) ?? failures[0];
    },
  };
}
