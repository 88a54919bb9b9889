import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sampler } from './sampler.ts';

function pattern(s: Sampler, key: string, n: number): string {
  return Array.from({ length: n }, () => (s.allow(key) ? 'x' : '.')).join('');
}

describe('debug sampler', () => {
  it("lets the first N through, then every Mth, as zap's sampler", () => {
    assert.equal(pattern(new Sampler(2, 3, () => 0), 'k', 11), 'xx..x..x..x');
  });

  it('drops everything after the first N when thereafter is 0', () => {
    assert.equal(pattern(new Sampler(1, 0, () => 0), 'k', 4), 'x...');
  });

  it('starts over each second', () => {
    let now = 999;
    const s = new Sampler(1, 0, () => now);
    assert.equal(pattern(s, 'k', 2), 'x.');
    now = 1000;
    assert.equal(pattern(s, 'k', 2), 'x.');
  });

  it('counts keys apart', () => {
    const s = new Sampler(1, 0, () => 0);
    assert.equal(pattern(s, 'a', 2) + pattern(s, 'b', 2), 'x.x.');
  });
});
