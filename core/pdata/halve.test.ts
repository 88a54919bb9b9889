import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { halve } from './halve.ts';
import { PIPELINE_TYPES } from './signals.ts';

describe('halve', () => {
  for (const signal of PIPELINE_TYPES) {
    it(`${signal}: the first ceil(n/2) items and the rest, in order, each half in its own containers`, () => {
      const data = namedItems(signal, names(5));
      const halves = halve(signal, data);
      assert.ok(halves);
      assert.deepEqual(
        halves.map((h) => itemNames(signal, h)),
        [names(5).slice(0, 3), names(5).slice(3)],
      );
      assert.deepEqual(itemNames(signal, data), names(5), 'the original is unchanged');
      assert.equal(halve(signal, namedItems(signal, ['one'])), undefined, 'one item: nothing to split');
    });
  }
});
