import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';

await test('parseDuration reads Go durations into milliseconds', () => {
  const cases: [string, number][] = [
    ['300ms', 300],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1h2m3.5s', 3_723_500],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['10μs', 0.01],
    ['5ns', 0.000005],
    ['0', 0],
    ['0s', 0],
    ['.5s', 500],
    ['+1s', 1000],
  ];
  for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s);
});

await test('parseDuration refuses what Go refuses, and negatives', () => {
  const cases: [string, RegExp][] = [
    ['5', /invalid duration "5": missing unit/],
    ['1.5', /missing unit/],
    ['-1s', /negative/],
    ['', /invalid duration ""/],
    ['s', /expected a number/],
    ['.s', /expected a number/],
    ['1x', /unknown unit "x"/],
    ['1 s', /invalid duration/],
    [' 1s', /invalid duration/],
    ['1s ', /invalid duration/],
    ['1e3s', /unknown unit/],
    ['99999999999h', /too large/],
  ];
  for (const [s, re] of cases) assert.throws(() => parseDuration(s), re, s);
  assert.throws(() => parseDuration(5 as unknown as string), /expected a string/);
});

await test('formatDuration prints the shortest Go form, which parses back', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [200, '200ms'],
    [5000, '5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [1500, '1.5s'],
    [61_500, '1m1.5s'],
    [1.25, '1.25ms'],
    [0.0015, '1.5us'],
    [0.000005, '5ns'],
  ];
  for (const [ms, s] of cases) {
    assert.equal(formatDuration(ms), s, String(ms));
    assert.equal(parseDuration(s), ms, s);
  }
  assert.equal(formatDuration(-200), '-200ms');
  assert.throws(() => formatDuration(Number.NaN), RangeError);
});
