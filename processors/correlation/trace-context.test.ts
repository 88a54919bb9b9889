import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../core/pdata/index.ts';
import { msg, withTraceContext } from '../../test/helpers/correlation-processor-harness.ts';
import { parseTraceparent, remoteParent } from './trace-context.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';
const VALID = `00-${TRACE}-${PARENT}-01`;

const parsed = (tp: string) => {
  const p = parseTraceparent(tp);
  return p && { traceId: toHex(p.traceId), parentSpanId: toHex(p.parentSpanId), sampled: p.sampled };
};

describe('traceparent', () => {
  it('parses a valid value, sampled or not', () => {
    assert.deepEqual(parsed(VALID), { traceId: TRACE, parentSpanId: PARENT, sampled: true });
    assert.deepEqual(parsed(`00-${TRACE}-${PARENT}-00`), { traceId: TRACE, parentSpanId: PARENT, sampled: false });
    // Only bit 0 is "sampled"; other flag bits (level 2's random flag) do not change it.
    assert.deepEqual(parsed(`00-${TRACE}-${PARENT}-03`)?.sampled, true);
    assert.deepEqual(parsed(`00-${TRACE}-${PARENT}-02`)?.sampled, false);
  });

  it('refuses version ff', () => assert.equal(parsed(`ff-${TRACE}-${PARENT}-01`), undefined));

  it('refuses all-zero trace and parent IDs', () => {
    assert.equal(parsed(`00-${'0'.repeat(32)}-${PARENT}-01`), undefined);
    assert.equal(parsed(`00-${TRACE}-${'0'.repeat(16)}-01`), undefined);
  });

  it('refuses wrong lengths', () => {
    assert.equal(parsed(''), undefined);
    assert.equal(parsed(`00-${TRACE.slice(1)}-${PARENT}-01`), undefined);
    assert.equal(parsed(`00-${TRACE}0-${PARENT}-01`), undefined);
    assert.equal(parsed(`00-${TRACE}-${PARENT}0-01`), undefined);
    assert.equal(parsed(`00-${TRACE}-${PARENT}-1`), undefined);
    assert.equal(parsed(`0-${TRACE}-${PARENT}-01`), undefined);
    // Version 00 has exactly four fields.
    assert.equal(parsed(`${VALID}-extra`), undefined);
  });

  it('accepts a later version with more fields after a dash, reading the first four', () => {
    assert.deepEqual(parsed(`01-${TRACE}-${PARENT}-01-what-comes-next`), {
      traceId: TRACE,
      parentSpanId: PARENT,
      sampled: true,
    });
    assert.equal(parsed(`01-${TRACE}-${PARENT}-01x`), undefined);
  });

  it('refuses upper-case hex and other characters', () => {
    assert.equal(parsed(`00-${TRACE.toUpperCase()}-${PARENT}-01`), undefined);
    assert.equal(parsed(`00-${TRACE}-${PARENT.toUpperCase()}-01`), undefined);
    assert.equal(parsed(`00-${TRACE}-${PARENT}-0A`), undefined);
    assert.equal(parsed(`0A-${TRACE}-${PARENT}-01`), undefined);
    assert.equal(parsed(`00-${TRACE.slice(0, 31)}g-${PARENT}-01`), undefined);
    assert.equal(parsed(`00_${TRACE}_${PARENT}_01`), undefined);
  });

  it('tolerates surrounding whitespace', () => assert.equal(parsed(` ${VALID} `)?.traceId, TRACE));
});

describe('remote parent of a message', () => {
  it('carries tracestate along with a valid traceparent', () => {
    const p = remoteParent(withTraceContext(msg('{}'), VALID, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'));
    assert.equal(p?.traceState, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    assert.equal(toHex(p.traceId), TRACE);
  });

  it('has an empty tracestate when there is none', () =>
    assert.equal(remoteParent(withTraceContext(msg('{}'), VALID))?.traceState, ''));

  it('takes the first traceparent, and every tracestate combined in order, when they repeat', () => {
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const m = withTraceContext(withTraceContext(msg('{}'), VALID, 'a=1'), other, 'b=2');
    assert.equal(toHex(remoteParent(m)!.traceId), TRACE);
    assert.equal(remoteParent(m)!.traceState, 'a=1,b=2');
  });

  it('is none without traceparent, or with an invalid one (tracestate alone means nothing)', () => {
    assert.equal(remoteParent(msg('{}')), undefined);
    assert.equal(remoteParent(withTraceContext(msg('{}'), 'garbage', 'a=1')), undefined);
    const onlyState = msg('{}', { properties: { userProperties: [['tracestate', 'a=1']] } });
    assert.equal(remoteParent(onlyState), undefined);
  });

  it('reads user property names exactly (MQTT names are case-sensitive)', () => {
    assert.equal(remoteParent(msg('{}', { properties: { userProperties: [['Traceparent', VALID]] } })), undefined);
  });
});

/** The traceState of a message with a valid traceparent and these `tracestate` properties, in order. */
const stateOf = (...tracestates: string[]): string | undefined => {
  const props: [string, string][] = [
    ['traceparent', VALID],
    ...tracestates.map((v): [string, string] => ['tracestate', v]),
  ];
  return remoteParent(msg('{}', { properties: { userProperties: props } }))?.traceState;
};
const members = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}=v`).join(',');

describe('tracestate', () => {
  it('combines every tracestate property in order, as repeated headers are joined with commas', () => {
    assert.equal(stateOf('a=1', 'b=2,c=3', 'd=4'), 'a=1,b=2,c=3,d=4');
  });

  it('trims the optional whitespace around members and leaves out empty ones', () => {
    assert.equal(stateOf(' a=1 ,\tb=2\t', ',, ,', 'c=3,'), 'a=1,b=2,c=3');
    assert.equal(stateOf('', ' '), '');
    // Spaces inside a value are part of it; only the last character may not be one.
    assert.equal(stateOf('a= x y'), 'a= x y');
  });

  it('accepts the key forms: simple keys and tenant@system, up to their lengths', () => {
    assert.equal(stateOf('0a_-*/z=1'), '0a_-*/z=1');
    assert.equal(stateOf('fw529a3039@dt=1'), 'fw529a3039@dt=1');
    assert.equal(stateOf(`${'k'.repeat(256)}=1`), `${'k'.repeat(256)}=1`);
    assert.equal(stateOf(`${'t'.repeat(241)}@${'s'.repeat(14)}=1`), `${'t'.repeat(241)}@${'s'.repeat(14)}=1`);
  });

  it('drops the whole tracestate, keeping the parent, when a member has a malformed key', () => {
    for (const bad of [
      'Rojo=1',
      '=1',
      '_a=1',
      'a b=1',
      'a.b=1',
      `${'k'.repeat(257)}=1`,
      'a@=1',
      '@s=1',
      'a@1s=1',
      `a@${'s'.repeat(15)}=1`,
      `${'t'.repeat(242)}@s=1`,
      'a@b@c=1',
    ]) {
      const p = remoteParent(
        msg('{}', {
          properties: {
            userProperties: [
              ['traceparent', VALID],
              ['tracestate', `ok=1,${bad}`],
            ],
          },
        }),
      );
      assert.equal(toHex(p!.traceId), TRACE, bad);
      assert.equal(p!.traceState, '', bad);
    }
  });

  it('drops it when a member has a malformed value, or is not key=value', () => {
    for (const bad of ['a', 'a=', 'a=1=2', 'a=\u00e9', 'a=\x7f', 'a=\x1f', 'a=x\ty', `a=${'v'.repeat(257)}`]) {
      assert.equal(stateOf('ok=1', bad), '', JSON.stringify(bad));
    }
    assert.equal(stateOf(`a=${'v'.repeat(256)}`), `a=${'v'.repeat(256)}`);
    assert.equal(stateOf('a=!"#$%&\'()*+-./:;<>?@[\\]^_`{|}~'), 'a=!"#$%&\'()*+-./:;<>?@[\\]^_`{|}~');
  });

  it('drops it when a malformed member is in a later property', () => assert.equal(stateOf('a=1', 'B=2'), ''));

  it('keeps 32 members and drops 33, counted across properties', () => {
    assert.equal(stateOf(members(32)), members(32));
    assert.equal(stateOf(members(33)), '');
    assert.equal(stateOf(members(16, 'a'), members(17, 'b')), '');
    // Empty members do not count.
    assert.equal(stateOf(`${members(32)},,`), members(32));
  });

  it('keeps 512 characters and drops 513, counting commas but not the whitespace trimmed away', () => {
    // 255 + ',' + 256 = 512 characters; one more value character makes 513.
    const a = `a=${'v'.repeat(253)}`;
    const b = `b=${'w'.repeat(254)}`;
    assert.equal(`${a},${b}`.length, 512);
    assert.equal(stateOf(`${a},${b}`), `${a},${b}`);
    assert.equal(stateOf(`${a},${b}w`), '');
    assert.equal(stateOf(`${a} , `, ` ${b} `), `${a},${b}`);
    assert.equal(stateOf(a, b), `${a},${b}`);
    // A 64 KB value goes nowhere, nor 64 KB of whitespace around a member (read in linear time).
    assert.equal(stateOf(`a=${'v'.repeat(65_536)}`), '');
    assert.equal(stateOf(`${' '.repeat(65_536)}a=1${'\t'.repeat(65_536)}`), 'a=1');
    assert.equal(stateOf(`${' '.repeat(65_536)}x y`), '');
  });
});
