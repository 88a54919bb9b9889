// Every case of the original's correlation.rs tests, plus what JSON.parse would get wrong on its own: integers
// beyond 2^53, keys inherited from Object.prototype, repeated keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from './correlation-id.ts';
import { extractCorrelationId, fieldSegments } from './correlation-id.ts';

const get = (payload: string | Uint8Array, field: string): Extraction =>
  extractCorrelationId(typeof payload === 'string' ? new TextEncoder().encode(payload) : payload, fieldSegments(field));

const id = (v: string): Extraction => ({ ok: true, id: v });
const missing = (reason: string): Extraction => ({ ok: false, reason }) as Extraction;

describe('correlation ID extraction (ported from correlation.rs)', () => {
  it('empty payload', () => assert.deepEqual(get('', 'id'), missing('empty_payload')));
  it('invalid UTF-8, before anything else is looked at', () => {
    assert.deepEqual(get(new Uint8Array([0xff, 0xfe, 0xfd]), 'id'), missing('invalid_utf8'));
    assert.deepEqual(get(new Uint8Array([0xff, 0xfe]), 'id'), missing('invalid_utf8'));
  });
  it('invalid JSON', () => assert.deepEqual(get('not-json', 'id'), missing('invalid_json')));
  it('missing field', () => assert.deepEqual(get('{"other":"value"}', 'id'), missing('missing_field')));
  it('null field is missing', () => assert.deepEqual(get('{"id":null}', 'id'), missing('missing_field')));
  it('string', () => assert.deepEqual(get('{"id":"trace-42"}', 'id'), id('trace-42')));
  it('boolean', () => {
    assert.deepEqual(get('{"flag":true}', 'flag'), id('true'));
    assert.deepEqual(get('{"flag":false}', 'flag'), id('false'));
  });
  it('integer', () => assert.deepEqual(get('{"seq":99}', 'seq'), id('99')));
  it('float', () => assert.deepEqual(get('{"temp":23.5}', 'temp'), id('23.5')));
  it('array is unsupported', () => assert.deepEqual(get('{"data":[1,2,3]}', 'data'), missing('unsupported_type')));
  it('object is unsupported', () =>
    assert.deepEqual(get('{"data":{"nested":"obj"}}', 'data'), missing('unsupported_type')));
  it('nested path', () =>
    assert.deepEqual(get('{"meta":{"trace":{"id":"deep-123"}}}', 'meta.trace.id'), id('deep-123')));
  it('nested path with a missing intermediate', () =>
    assert.deepEqual(get('{"meta":{}}', 'meta.trace.id'), missing('missing_field')));
  it('no path at all finds nothing', () =>
    assert.deepEqual(extractCorrelationId(new TextEncoder().encode('{"a":1}'), []), missing('missing_field')));
  it('a single segment and several segments', () => {
    assert.deepEqual(get('{"key":"val"}', 'key'), id('val'));
    assert.deepEqual(get('{"a":{"b":{"c":42}}}', 'a.b.c'), id('42'));
  });
});

describe('correlation ID extraction: field names', () => {
  it('splits on dots, ignores empty segments, trims the whole name', () => {
    assert.deepEqual(fieldSegments('meta.trace.id'), ['meta', 'trace', 'id']);
    assert.deepEqual(fieldSegments('a..b'), ['a', 'b']);
    assert.deepEqual(fieldSegments(' .a.b. '), ['a', 'b']);
    assert.deepEqual(fieldSegments('.'), []);
    assert.deepEqual(fieldSegments('   '), []);
    assert.deepEqual(get('{"a":{"b":"x"}}', 'a..b'), id('x'));
  });

  it('indexes objects only: an array on the path, or a scalar, means missing', () => {
    assert.deepEqual(get('{"a":[{"b":"x"}]}', 'a.0.b'), missing('missing_field'));
    assert.deepEqual(get('{"a":["x"]}', 'a.0'), missing('missing_field'));
    assert.deepEqual(get('{"a":"text"}', 'a.length'), missing('missing_field'));
    assert.deepEqual(get('[{"id":"x"}]', 'id'), missing('missing_field'));
    assert.deepEqual(get('"id"', 'id'), missing('missing_field'));
  });

  it('does not find what only Object.prototype has', () => {
    assert.deepEqual(get('{}', 'constructor'), missing('missing_field'));
    assert.deepEqual(get('{"a":{}}', 'a.toString'), missing('missing_field'));
    assert.deepEqual(get('{"__proto__":"p"}', '__proto__'), id('p'));
  });

  it('keeps the last of a repeated key, as serde_json and JSON.parse do', () => {
    assert.deepEqual(get('{"id":"first","id":"second"}', 'id'), id('second'));
    assert.deepEqual(get('{"id":1,"id":12345678901234567890}', 'id'), id('12345678901234567890'));
  });

  it('an empty string is an ID', () => assert.deepEqual(get('{"id":""}', 'id'), id('')));
  it('a leading byte order mark is skipped', () => assert.deepEqual(get('\ufeff{"id":"x"}', 'id'), id('x')));
});

describe('correlation ID extraction: numbers', () => {
  it('keeps integers exactly as written, beyond 2^53 and beyond 64 bits', () => {
    assert.deepEqual(get('{"id":12345678901234567890}', 'id'), id('12345678901234567890'));
    assert.deepEqual(get('{"id":9007199254740993}', 'id'), id('9007199254740993'));
    assert.deepEqual(get('{"id":-9223372036854775808}', 'id'), id('-9223372036854775808'));
    assert.deepEqual(get('{"id":123456789012345678901234567890}', 'id'), id('123456789012345678901234567890'));
    // Just outside u64 and i64 (documented: the original printed the nearest double, 18446744073709552000 and
    // -9223372036854776000).
    assert.deepEqual(get('{"id":18446744073709551616}', 'id'), id('18446744073709551616'));
    assert.deepEqual(get('{"id":-9223372036854775809}', 'id'), id('-9223372036854775809'));
    assert.deepEqual(get('{"a":{"id": 18446744073709551615 }}', 'a.id'), id('18446744073709551615'));
    assert.deepEqual(get('{"id":0}', 'id'), id('0'));
    assert.deepEqual(get('{"id":-0}', 'id'), id('-0'));
  });

  it('finds the right literal among others at other paths, in arrays, and under escaped keys', () => {
    const text = '{"x":[1,{"id":5}],"id2":7,"m":{"id":6},"i\\u0064":12345678901234567891,"tail":[8]}';
    assert.deepEqual(get(text, 'id'), id('12345678901234567891'));
    assert.deepEqual(get(text, 'm.id'), id('6'));
    assert.deepEqual(get('{"s":"{\\"id\\":1}","id":98765432109876543210}', 'id'), id('98765432109876543210'));
  });

  it('prints fractions and exponents as doubles, shortest round-trip (as Rust does for ordinary magnitudes)', () => {
    assert.deepEqual(get('{"v":1.0}', 'v'), id('1'));
    assert.deepEqual(get('{"v":1e3}', 'v'), id('1000'));
    assert.deepEqual(get('{"v":2.5E-1}', 'v'), id('0.25'));
    assert.deepEqual(get('{"v":0.1}', 'v'), id('0.1'));
    assert.deepEqual(get('{"v":-0.0}', 'v'), id('-0'));
    assert.deepEqual(get('{"v":1.0000000000000000001}', 'v'), id('1'));
    assert.deepEqual(get('{"v":1e-6}', 'v'), id('0.000001'));
    // Where JavaScript and Rust differ (documented): Rust would print every digit (1000000000000000000000, 0.0000001).
    assert.deepEqual(get('{"v":1e21}', 'v'), id('1e+21'));
    assert.deepEqual(get('{"v":1e-7}', 'v'), id('1e-7'));
    assert.deepEqual(get('{"v":-1.5e-7}', 'v'), id('-1.5e-7'));
  });

  it('refuses a number too large for a double as serde_json does (invalid JSON)', () => {
    assert.deepEqual(get('{"v":1e400}', 'v'), missing('invalid_json'));
  });
});
