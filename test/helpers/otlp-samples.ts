// The OTLP test data every codec test runs over (the samples and the edge cases of each signal), and a seeded
// random source for the fuzz-style tests, so that a failing case can be reproduced.
import type { PipelineType, SignalDataMap } from '../../core/pdata/index.ts';
import { edgeLogs, edgeMetrics, edgeTraces } from './otlp-edge-cases.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from './sample-data.ts';

export type Sample = { [S in PipelineType]: [S, () => SignalDataMap[S]] }[PipelineType];

export const OTLP_SAMPLES: readonly Sample[] = [
  ['traces', sampleTraces],
  ['metrics', sampleMetrics],
  ['logs', sampleLogs],
  ['traces', edgeTraces],
  ['metrics', edgeMetrics],
  ['logs', edgeLogs],
];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
