// Exact integers from JSON source text: what JSON.parse would round.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactInteger, parseTimestamp } from './numbers.ts';
import { rawNumbers } from '../helper/raw-numbers.ts';
import { readPayload } from './read-payload.ts';

describe('exactInteger', () => {
  it('reads whole numbers exactly in every JSON notation', () => {
    assert.equal(exactInteger('1754851200000000001'), 1754851200000000001n);
    assert.equal(exactInteger('-9223372036854775808'), -9223372036854775808n);
    assert.equal(exactInteger('1.754851200000000001e18'), 1754851200000000001n);
    assert.equal(exactInteger('17548512E11'), 1754851200000000000n);
    assert.equal(exactInteger('1.50e1'), 15n);
    assert.equal(exactInteger('1.0'), 1n);
    assert.equal(exactInteger('-0'), 0n);
    assert.equal(exactInteger('0.000e-5'), 0n);
    assert.equal(exactInteger('12000e-3'), 12n);
  });

  it('tells fractions and absurd magnitudes apart without building huge numbers', () => {
    assert.equal(exactInteger('1.5'), 'fraction');
    assert.equal(exactInteger('1.0000000000000000001'), 'fraction');
    assert.equal(exactInteger('1e-999999'), 'fraction');
    assert.equal(exactInteger('1e999999'), 'range');
    assert.equal(exactInteger('9'.repeat(41)), 'range');
  });
});

describe('parseTimestamp', () => {
  it('accepts numbers (by their source text) and digit strings from 0 to 2^64-1', () => {
    assert.deepEqual(parseTimestamp(1754851200000000000, '1754851200000000001'), {
      ok: true,
      value: 1754851200000000001n,
    });
    assert.deepEqual(parseTimestamp('18446744073709551615', undefined), { ok: true, value: 18446744073709551615n });
    assert.deepEqual(parseTimestamp(5, undefined), { ok: true, value: 5n });
  });

  it('refuses negative, fractional, too large, signed or non-decimal strings, and other types', () => {
    for (const [v, raw] of [
      [-1, '-1'],
      [1.5, '1.5'],
      [2 ** 64, '18446744073709551616'],
      ['-1', undefined],
      ['+1', undefined],
      ['1e18', undefined],
      [' 1', undefined],
      [null, undefined],
      [{}, undefined],
    ] as const) {
      assert.equal(parseTimestamp(v, raw).ok, false, `${String(raw ?? JSON.stringify(v))}`);
    }
  });
});

describe('rawNumbers', () => {
  it('finds number literals by JSON pointer, down to the depth asked for', () => {
    const text =
      '{"metrics":[{"value":1e3,"timestamp":1754851200000000001,"attributes":[{"key":"n","value":"7"}],"deep":{"x":5}},{"value":-2.50}],"n":true}';
    assert.deepEqual(
      [...rawNumbers(text, 3)],
      [
        ['/metrics/0/value', '1e3'],
        ['/metrics/0/timestamp', '1754851200000000001'],
        ['/metrics/1/value', '-2.50'],
      ],
    );
  });

  it('follows escaped keys, keys that look like numbers, strings holding brackets and commas, and whitespace', () => {
    const text = ' { "a\\"b" : [ 1 , "x,]}" , 2 ] , "3" : {"c/d~": 4}, "e\\u0066": 5 } ';
    assert.deepEqual(Object.fromEntries(rawNumbers(text, 3)), {
      '/a"b/0': '1',
      '/a"b/2': '2',
      '/3/c~1d~0': '4',
      '/ef': '5',
    });
  });

  it('does not take a string after an empty object in a list for a key', () => {
    assert.deepEqual(Object.fromEntries(rawNumbers('[{},"s",3,{"k":[]},"t",4]', 1)), { '/2': '3', '/5': '4' });
  });

  it('with inexactOnly, keeps only literals a double may not hold as written', () => {
    const text = '{"a":123456789012345,"b":1234567890123456,"c":1.0,"d":2e3,"e":-7,"f":{"g":1754851200000000001}}';
    assert.deepEqual(Object.fromEntries(rawNumbers(text, 2, { inexactOnly: true })), {
      '/b': '1234567890123456',
      '/c': '1.0',
      '/d': '2e3',
      '/f/g': '1754851200000000001',
    });
  });

  it('keeps the last literal of a repeated key, as JSON.parse keeps the last value', () => {
    assert.equal(rawNumbers('{"t":1,"t":2}', 1).get('/t'), '2');
  });
});

// A seeded generator of awkward documents: every number JSON.parse finds must be found at the same pointer.
describe('rawNumbers against JSON.parse', () => {
  it('agrees on 500 random documents', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const keys = ['a', '0', 'x/y', 'm~n', 'q"uote', '{[,]}', 'é', 'a'];
    const ws = () => [' ', '', '\n', '\t '][rnd(4)]!;
    const gen = (depth: number): string => {
      const k = rnd(depth > 3 ? 4 : 7);
      if (k === 0) return String(rnd(2) ? -rnd(1000) : rnd(1e6) / 8);
      if (k === 1) return JSON.stringify(['s', '"]}', '\\', ',:'][rnd(4)]);
      if (k === 2) return ['true', 'false', 'null'][rnd(3)]!;
      if (k === 3) return `${rnd(9) + 1}${'0'.repeat(rnd(15))}`;
      if (k <= 5)
        return `[${ws()}${Array.from({ length: rnd(4) }, () => gen(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
      return `{${ws()}${Array.from({ length: rnd(4) }, () => `${JSON.stringify(keys[rnd(keys.length)])}${ws()}:${ws()}${gen(depth + 1)}`).join(',')}${ws()}}`;
    };
    const pointer = (p: string[]) => p.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
    const expected = (v: unknown, p: string[], out: Map<string, number>) => {
      if (typeof v === 'number') out.set(pointer(p), v);
      else if (Array.isArray(v)) v.forEach((x, i) => expected(x, [...p, String(i)], out));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) expected(x, [...p, k], out);
      return out;
    };
    for (let n = 0; n < 500; n++) {
      const text = gen(0);
      const want = expected(JSON.parse(text), [], new Map());
      const got = rawNumbers(text, 99);
      const inexact = rawNumbers(text, 99, { inexactOnly: true });
      // A repeated key can leave pointers of a discarded value behind; only pointers of the parsed value are read.
      for (const [k, v] of want) {
        assert.equal(Number(got.get(k)), v, `${k} in ${text}`);
        // What inexactOnly leaves out, String(value) writes back as it was written.
        const kept = inexact.get(k);
        if (kept === undefined) assert.equal(String(v), got.get(k), `${k} in ${text}`);
        else assert.equal(kept, got.get(k));
      }
    }
  });
});

describe('readPayload', () => {
  it('skips a UTF-8 byte order mark, refuses invalid UTF-8 and invalid JSON without quoting the payload', () => {
    assert.equal(readPayload(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])).ok, true);
    const bad = readPayload(new Uint8Array([0x22, 0xc3, 0x28, 0x22]));
    assert.deepEqual(bad.ok ? undefined : bad.reason, 'not_utf8');
    const r = readPayload(new TextEncoder().encode('{"token":"s3cret" oops}'));
    assert.equal(r.ok, false);
    assert.ok(
      !r.ok && r.reason === 'invalid_json' && !r.message.includes('s3cret') && !r.message.includes('oops'),
      r.ok ? '' : r.message,
    );
  });
});
