import type { ConsumeContext, Consumer } from './consumer.ts';
import { isPermanent } from './errors.ts';
import type { SignalData } from './pdata/index.ts';
import { cloneData } from './pdata/index.ts';

/**
 * One consumer that feeds several. Read-only consumers share the original; a consumer that mutates gets its own
 * copy, unless it is the only consumer, or the last one and every other consumer also gets a copy.
 * The result settles when every consumer has settled: it resolves only if all resolved; otherwise it fails with a
 * retryable error if any failure was retryable (so the sender keeps the data), else permanent.
 */
export function fanout<T extends SignalData>(consumers: readonly Consumer<T>[]): Consumer<T> {
  if (consumers.length === 1) return consumers[0] as Consumer<T>;
  const anyReadOnly = consumers.some((c) => !c.mutatesData);
  const lastMutating = anyReadOnly ? -1 : consumers.length - 1;
  return {
    mutatesData: false,
    async consume(data: T, ctx?: ConsumeContext): Promise<void> {
      const results = await Promise.allSettled(
        // async wrapper: a consumer that throws synchronously must not stop the others being called.
        consumers.map(async (c, i) => c.consume(c.mutatesData && i !== lastMutating ? cloneData(data) : data, ctx)),
      );
      const failures = results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as unknown);
      if (failures.length === 0) return;
      throw failures.find((e) => !isPermanent(e)) ?? failures[0];
    },
  };
}
