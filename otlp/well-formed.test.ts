// Strings leave the hub as valid UTF-8 whatever path they took: a lone surrogate (valid JSON as "\ud800", and what a
// custom processor may set) becomes U+FFFD in protobuf and in JSON, so a destination that checks UTF-8 does not
// refuse the whole request. Pairs, astral characters and the rest are untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../core/pdata/index.ts';
import { forEachSpan } from '../core/pdata/index.ts';
import { sampleTraces } from '../test/helpers/sample-data.ts';
import { decodeRequest, decodeRequestJson, encodeRequest, encodeRequestJson } from './index.ts';
import { malformedStringsReplaced } from './well-formed.ts';

/** The UTF-8-style bytes of the three lone surrogates used below (what protobufjs wrote for them before). */
const SURROGATE_BYTES = [
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xed, 0xb0, 0x80],
].map((b) => Buffer.from(b));

function poisoned(): Traces {
  const t = sampleTraces();
  forEachSpan(t, (s) => {
    s.name = 'lone \ud800 high';
    s.attributes.push({ key: 'k\udfff', value: { stringValue: 'ok 😀, lone \udc00 low, pair \ud83d\ude00' } });
  });
  return t;
}

function firstSpan(t: Traces) {
  let first: { name: string; attributes: { key: string; value: unknown }[] } | undefined;
  forEachSpan(t, (s) => void (first ??= s));
  assert.ok(first);
  return first;
}

describe('strings leave the hub as valid UTF-8', () => {
  it('protobuf: lone surrogates become U+FFFD, counted; everything else as it was', () => {
    const before = malformedStringsReplaced();
    const bytes = encodeRequest('traces', poisoned());
    for (const b of SURROGATE_BYTES) assert.equal(Buffer.from(bytes).indexOf(b), -1, b.toString('hex'));
    const s = firstSpan(decodeRequest('traces', bytes));
    assert.equal(s.name, 'lone \ufffd high');
    assert.deepEqual(s.attributes.at(-1), {
      key: 'k\ufffd',
      value: { stringValue: 'ok 😀, lone \ufffd low, pair 😀' },
    });
    assert.equal(malformedStringsReplaced() - before, 3);
    // Well-formed data encodes exactly as before.
    assert.deepEqual(decodeRequest('traces', encodeRequest('traces', sampleTraces())), sampleTraces());
  });

  it('JSON: no escaped lone surrogate in the text; the same replacement, counted', () => {
    const before = malformedStringsReplaced();
    const text = encodeRequestJson('traces', poisoned());
    assert.doesNotMatch(text, /\\ud[89a-f]/i);
    const s = firstSpan(decodeRequestJson('traces', text));
    assert.equal(s.name, 'lone \ufffd high');
    assert.equal(s.attributes.at(-1)?.key, 'k\ufffd');
    assert.equal(malformedStringsReplaced() - before, 3);
  });
});
