import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonDepthScan, MAX_JSON_DEPTH } from './json-depth.ts';

describe('JsonDepthScan', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  it('refuses the first level past the limit, and not the limit itself', () => {
    new JsonDepthScan().text(deep(MAX_JSON_DEPTH));
    assert.throws(() => new JsonDepthScan().text(deep(MAX_JSON_DEPTH + 1)), /nested deeper than 414 levels/);
    assert.throws(() => new JsonDepthScan(3).text('{"a":[{"b":[1]}]}'), /nested deeper than 3 levels/);
  });

  it('reads bytes split anywhere as it reads the whole text: strings and escapes carry across pieces', () => {
    // Inside the string: brackets past the limit and an escaped quote that does not end it; then 3 real levels.
    const text = `{"s":"${'['.repeat(500)}\\"${'{'.repeat(500)}\\\\","t":[[1]]}`;
    new JsonDepthScan().text(text);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut += 37) {
      const scan = new JsonDepthScan(3);
      scan.bytes(bytes.subarray(0, cut));
      scan.bytes(bytes.subarray(cut));
    }
    for (let cut = 0; cut < 20; cut++) {
      const scan = new JsonDepthScan(2);
      const b = Buffer.from(`{"é\\"":[[${'x'.repeat(cut)}]]}`);
      assert.throws(() => (scan.bytes(b.subarray(0, cut)), scan.bytes(b.subarray(cut))), /deeper than 2/);
    }
  });
});
