// Which messages become spans: OpenTelemetry's parentbased_traceidratio sampler. A message that carries a trace
// context follows its parent's sampled flag, so a trace is kept or dropped as a whole; a new trace is kept when its
// trace ID falls under the ratio, the same answer for the same trace ID on every replica.
const RANDOM_BITS = 56n;
const LOW_56 = (1n << RANDOM_BITS) - 1n;

/** ratio × 2^56: a trace is kept when the low 56 bits of its ID are below it (0 never, 1 always). */
export function ratioThreshold(ratio: number): bigint {
  return BigInt(Math.floor(ratio * 2 ** 56));
}

/**
 * The last 7 bytes are the part W3C Trace Context level 2 asks to be random, and what OpenTelemetry's
 * consistent-probability sampling compares.
 */
export function traceIdSampled(traceId: Uint8Array, threshold: bigint): boolean {
  // Ratio 1 (the default) keeps every trace: no need to read the ID.
  if (threshold > LOW_56) return true;
  const low =
    Buffer.from(traceId.buffer, traceId.byteOffset, traceId.byteLength).readBigUInt64BE(traceId.byteLength - 8) &
    LOW_56;
  return low < threshold;
}

export function shouldSample(
  traceId: Uint8Array,
  threshold: bigint,
  parent: { sampled: boolean } | undefined,
): boolean {
  return parent ? parent.sampled : traceIdSampled(traceId, threshold);
}
