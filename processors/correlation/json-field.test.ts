// The scanner against JSON.parse: whenever it answers, JSON.parse accepts the document and has the same value at
// the path; it answers for the documents devices send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ABSENT, scanField } from './json-field.ts';

/** The value at `path` as the parsed document has it (own keys of objects only), or ABSENT. */
function parsedAt(text: string, path: readonly string[]): unknown {
  let v: unknown = JSON.parse(text);
  for (const k of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, k)) return ABSENT;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Checks the scanner's answer, if any, against JSON.parse; returns whether it answered. */
function agrees(text: string, path: readonly string[]): boolean {
  const got = scanField(text, path);
  if (got === undefined) return false;
  assert.ok(parses(text), `scanner accepted invalid JSON ${JSON.stringify(text)}`);
  const want = parsedAt(text, path);
  if (got === ABSENT) assert.equal(want, ABSENT, text);
  else {
    assert.notEqual(want, ABSENT, text);
    assert.deepEqual(JSON.parse(got.raw), want, text);
    const kind = Array.isArray(want)
      ? 'array'
      : want === null
        ? 'null'
        : typeof want === 'boolean'
          ? String(want)
          : typeof want;
    assert.equal(got.kind, kind, text);
  }
  return true;
}

const DEVICE = JSON.stringify({
  correlationId: 12345,
  meta: { id: 'a-1', trace: { id: 'x' } },
  metrics: [
    { name: 'bench.value', type: 'f64_gauge', value: -1.5e-3, attributes: [{ key: 'device', value: 'sensor-1' }] },
  ],
  flag: true,
  none: null,
});

const PATHS = [
  ['correlationId'],
  ['meta', 'id'],
  ['meta', 'trace', 'id'],
  ['metrics'],
  ['flag'],
  ['none'],
  ['nope'],
  ['meta', 'nope'],
  ['flag', 'x'],
  ['meta'],
];

describe('JSON field scanner', () => {
  it('answers for a device payload, at every kind of path, as JSON.parse has it', () => {
    for (const p of PATHS) assert.ok(agrees(DEVICE, p), p.join('.'));
    assert.ok(agrees(' \t\n\r{ "a" : [ ] , "b" : { } , "c" : "\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9" } \n', ['c']));
    assert.ok(agrees('[1,{"a":2}]', ['a']));
    assert.ok(agrees('"text"', ['a']));
    assert.ok(agrees('{"a":0,"b":-0,"c":1E+2,"d":12345678901234567890,"e":1e400}', ['d']));
  });

  it('leaves to JSON.parse what it cannot vouch for', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"\\u0061":1}',
      '{"a":"é"}',
      '{"a":"\u007f"}',
      '{"a":"\\x"}',
      '{"a":01}',
      '{"a":1,}',
      '{"a":.5}',
      '{"a":tru}',
      '{"a":1} x',
      '',
      `${'['.repeat(100)}${']'.repeat(100)}`,
      '\ufeff{"a":1}',
    ])
      assert.equal(scanField(text, ['a']), undefined, text);
    assert.equal(scanField('{"m":{"a":1},"m":{"b":2}}', ['m', 'a']), undefined);
    assert.equal(scanField('{"a":1}', []), undefined);
  });

  it('agrees with JSON.parse on thousands of mangled documents', () => {
    // A fixed-seed generator (mulberry32), so a failure can be replayed.
    let seed = 0x5eed;
    const rand = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      ' ',
      '\n',
      '0',
      '1',
      '-',
      '.',
      'e',
      '+',
      'true',
      'null',
      'a',
      '"a"',
      '\\u00',
      '\u0001',
    ];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = DEVICE;
      for (let k = rand(3) + 1; k > 0; k--) {
        const at = rand(text.length + 1);
        const cut = rand(3);
        text = text.slice(0, at) + (rand(2) ? pieces[rand(pieces.length)] : '') + text.slice(at + cut);
      }
      if (agrees(text, PATHS[rand(PATHS.length)]!)) answered++;
    }
    // Most mangled documents are invalid; the scanner must still have answered for many of the rest.
    assert.ok(answered > 1000, `answered ${answered}`);
  });
});
