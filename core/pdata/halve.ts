// Halving a request by items, for an exporter that splits what a destination refused (too large, or refused because
// of something in it) until the parts get through or single items are left. Built on splitData, so each half keeps
// the resource → scope → item structure and gets its own copies of the containers.
import type { PipelineType, SignalDataMap } from './signals.ts';
import { itemCount } from './signals.ts';
import { splitData } from './split.ts';

/**
 * The first ceil(n/2) items and the rest, in order, where n is the item count (spans, data points, log records);
 * undefined when there are fewer than two items, so nothing is left to split.
 */
export function halve<P extends PipelineType>(
  signal: P,
  data: SignalDataMap[P],
  n = itemCount(signal, data),
): [SignalDataMap[P], SignalDataMap[P]] | undefined {
  if (n < 2) return undefined;
  const [first, second, ...rest] = splitData(signal, data, Math.ceil(n / 2));
  if (!first || !second || rest.length > 0)
    throw new Error(`halving ${n} ${signal} items gave ${rest.length + 2} parts`);
  return [first, second];
}
