import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyValue } from '../../core/pdata/index.ts';
import { duration, fixed, payloadText, severityName, timestamp, typedValue } from './format-values.ts';

describe('debug value formatting', () => {
  it('prints timestamps as RFC 3339 with nanoseconds', () => {
    assert.equal(timestamp(0n), '1970-01-01T00:00:00.000000000Z');
    assert.equal(timestamp(1700000000123456789n), '2023-11-14T22:13:20.123456789Z');
  });

  it('prints AnyValues with their type', () => {
    assert.equal(typedValue(anyValue('a b')), 'Str(a b)');
    assert.equal(typedValue(anyValue(false)), 'Bool(false)');
    assert.equal(typedValue(anyValue(9007199254740993n)), 'Int(9007199254740993)');
    assert.equal(typedValue({ doubleValue: 2 }), 'Double(2)');
    assert.equal(typedValue({ doubleValue: Number.NaN }), 'Double(NaN)');
    assert.equal(typedValue(anyValue(new Uint8Array([1, 255]))), 'Bytes(01ff)');
    assert.equal(typedValue(anyValue([1, 'a', null, [true]])), 'Slice([1,"a",null,[true]])');
    assert.equal(typedValue(anyValue({ m: { n: 1.25 }, b: new Uint8Array([10]) })), 'Map({"m":{"n":1.25},"b":"0a"})');
    assert.equal(typedValue({}), 'Empty()');
    assert.equal(typedValue(undefined), 'Empty()');
  });

  it("prints doubles as Go's %f", () => {
    assert.equal(fixed(1.23), '1.230000');
    assert.equal(fixed(Infinity), '+Inf');
    assert.equal(fixed(-Infinity), '-Inf');
  });

  it('names severities as the Collector does', () => {
    assert.deepEqual([0, 1, 2, 9, 12, 13, 17, 24].map(severityName), [
      'Unspecified',
      'Trace',
      'Trace2',
      'Info',
      'Info4',
      'Warn',
      'Error',
      'Fatal4',
    ]);
    assert.equal(severityName(25), 'Unknown');
  });

  it('prints durations with the largest sensible unit', () => {
    assert.deepEqual([0n, 999n, 1500n, 2_500_000n, 1_000_000_468n, -5n].map(duration), [
      '0ns',
      '999ns',
      '1.5µs',
      '2.5ms',
      '1.000000468s',
      '-5ns',
    ]);
  });

  it('tells text payloads from binary ones', () => {
    assert.equal(payloadText(new TextEncoder().encode('héllo')), 'héllo');
    assert.equal(payloadText(new Uint8Array([0xc3, 0x28])), undefined);
  });
});
