import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../core/pdata/index.ts';
import { msg, withTraceContext } from './test-harness.ts';
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
    assert.deepEqual(parsed(`01-${TRACE}-${PARENT}-01-what-comes-next`), { traceId: TRACE, parentSpanId: PARENT, sampled: true });
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

  it('has an empty tracestate when there is none', () => assert.equal(remoteParent(withTraceContext(msg('{}'), VALID))?.traceState, ''));

  it('takes the first traceparent and the first tracestate when they repeat', () => {
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const m = withTraceContext(withTraceContext(msg('{}'), VALID, 'a=1'), other, 'b=2');
    assert.equal(toHex(remoteParent(m)!.traceId), TRACE);
    assert.equal(remoteParent(m)!.traceState, 'a=1');
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
