// max_request_bytes: a request of several items over the bound is refused as too large, after encoding it or, once
// the exporter knows how large its items are, before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerError } from '../../core/errors.ts';
import { namedItems } from '../../test/helpers/named-items.ts';
import { RequestSizeBound } from './request-size.ts';

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `span-${i}`);

function tooLarge(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    assert.ok(err instanceof ConsumerError);
    assert.equal(err.refusal, 'too_large');
    assert.equal(err.retryable, false);
    return true;
  }
}

describe('RequestSizeBound', () => {
  it('refuses an encoded request of several items over the bound, never a single item', () => {
    const bound = new RequestSizeBound(1000);
    assert.equal(
      tooLarge(() => bound.afterEncoding('traces', namedItems('traces', names(10)), 1001)),
      true,
    );
    assert.equal(
      tooLarge(() => bound.afterEncoding('traces', namedItems('traces', names(10)), 1000)),
      false,
    );
    assert.equal(
      tooLarge(() => bound.afterEncoding('traces', namedItems('traces', names(1)), 5000)),
      false,
    );
  });

  it('refuses before encoding what the last request of the signal says is over the bound', () => {
    const bound = new RequestSizeBound(1000);
    // Nothing known yet: everything is encoded and checked afterwards.
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(1000)))),
      false,
    );
    bound.afterEncoding('traces', namedItems('traces', names(10)), 500); // 50 bytes per span
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(21)))),
      true,
    );
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(20)))),
      false,
    );
    // What fits is given the size to expect, a little over the estimate (the encoder's buffer is allocated at it).
    const expected = bound.beforeEncoding('traces', namedItems('traces', names(20)));
    assert.ok(expected >= 1000 && expected <= 1100, String(expected));
    assert.equal(new RequestSizeBound(1000).beforeEncoding('traces', namedItems('traces', names(20))), 0);
    // Per signal: logs are not judged by spans' sizes.
    assert.equal(
      tooLarge(() => bound.beforeEncoding('logs', namedItems('logs', names(21)))),
      false,
    );
  });

  it('learns from every request, so an estimate from larger items is corrected by the next encoding', () => {
    const bound = new RequestSizeBound(1000);
    bound.afterEncoding('traces', namedItems('traces', names(1)), 900);
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(2)))),
      true,
    );
    bound.afterEncoding('traces', namedItems('traces', names(1)), 40);
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(2)))),
      false,
    );
  });

  it('never refuses a single item, nor anything with no bound (0)', () => {
    const bound = new RequestSizeBound(1000);
    bound.afterEncoding('traces', namedItems('traces', names(2)), 900);
    assert.equal(
      tooLarge(() => bound.beforeEncoding('traces', namedItems('traces', names(1)))),
      false,
    );
    const none = new RequestSizeBound(0);
    none.afterEncoding('traces', namedItems('traces', names(2)), 1e9);
    assert.equal(
      tooLarge(() => none.beforeEncoding('traces', namedItems('traces', names(1000)))),
      false,
    );
    assert.equal(
      tooLarge(() => none.afterEncoding('traces', namedItems('traces', names(1000)), 1e9)),
      false,
    );
  });
});
