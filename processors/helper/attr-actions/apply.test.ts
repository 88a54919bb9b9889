// Each action's behaviour, table-driven, from the cases the Collector's attraction tests and README describe.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ConsumeContext } from '../../../core/consumer.ts';
import type { AttributeInput, KeyValue } from '../../../core/pdata/index.ts';
import { attributes, valueOf } from '../../../core/pdata/index.ts';
import { applyActions } from './apply.ts';
import type { ActionConfig } from './config.ts';
import { actionIssues, compileActions } from './config.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return b;
};

interface Case {
  name: string;
  actions: ActionConfig[];
  input: Record<string, AttributeInput>;
  want: Record<string, AttributeInput>;
  ctx?: ConsumeContext;
}

const plain = (l: readonly KeyValue[]) => Object.fromEntries(l.map((kv) => [kv.key, valueOf(kv.value)]));

function run(c: Case): Record<string, AttributeInput> {
  assert.deepEqual(actionIssues(c.actions, ['actions']), [], `${c.name}: config is valid`);
  return plain(applyActions(compileActions(c.actions), attributes(c.input), c.ctx ?? {}));
}

const CASES: Case[] = [
  // insert
  {
    name: 'insert adds a missing key',
    actions: [{ key: 'a', value: 'x', action: 'insert' }],
    input: {},
    want: { a: 'x' },
  },
  {
    name: 'insert leaves an existing key alone',
    actions: [{ key: 'a', value: 'x', action: 'insert' }],
    input: { a: 'old' },
    want: { a: 'old' },
  },
  {
    name: 'insert from_attribute copies the value with its type',
    actions: [{ key: 'b', from_attribute: 'a', action: 'insert' }],
    input: { a: 7n },
    want: { a: 7n, b: 7n },
  },
  {
    name: 'insert from_attribute does nothing when the source is missing',
    actions: [{ key: 'b', from_attribute: 'nope', action: 'insert' }],
    input: { a: 1n },
    want: { a: 1n },
  },
  {
    name: 'action names are case-insensitive',
    actions: [{ key: 'a', value: true, action: 'INSERT' }],
    input: {},
    want: { a: true },
  },
  {
    name: 'a value keeps its YAML type: int, double, bool, list, map',
    actions: [
      { key: 'i', value: 2245, action: 'insert' },
      { key: 'd', value: 0.5, action: 'insert' },
      { key: 'l', value: ['x', 1], action: 'insert' },
      { key: 'm', value: { k: 'v' }, action: 'insert' },
    ],
    input: {},
    want: { i: 2245n, d: 0.5, l: ['x', 1n], m: { k: 'v' } },
  },
  // update
  {
    name: 'update changes an existing key',
    actions: [{ key: 'a', value: 2, action: 'update' }],
    input: { a: 1n },
    want: { a: 2n },
  },
  {
    name: 'update does not add a missing key',
    actions: [{ key: 'a', value: 2, action: 'update' }],
    input: {},
    want: {},
  },
  {
    name: 'update from_attribute',
    actions: [{ key: 'copy_key', from_attribute: 'key_original', action: 'update' }],
    input: { copy_key: 'x', key_original: 'y' },
    want: { copy_key: 'y', key_original: 'y' },
  },
  // upsert
  { name: 'upsert adds', actions: [{ key: 'a', value: 'v', action: 'upsert' }], input: {}, want: { a: 'v' } },
  {
    name: 'upsert replaces',
    actions: [{ key: 'a', value: 'v', action: 'upsert' }],
    input: { a: 1n },
    want: { a: 'v' },
  },
  // from_context
  {
    name: 'from_context reads metadata.<key> from the client metadata, joining several values with ;',
    actions: [
      { key: 'tenant', from_context: 'metadata.x-tenant', action: 'upsert' },
      { key: 'via', from_context: 'metadata.via', action: 'upsert' },
    ],
    input: {},
    want: { tenant: 'acme', via: 'a;b' },
    ctx: { metadata: { 'x-tenant': ['acme'], via: ['a', 'b'] } },
  },
  {
    name: 'from_context reads a bare key from metadata too, and a key written in upper case',
    actions: [{ key: 'tenant', from_context: 'X-Tenant', action: 'insert' }],
    input: {},
    want: { tenant: 'acme' },
    ctx: { metadata: { 'x-tenant': ['acme'] } },
  },
  {
    name: 'from_context does nothing without metadata or without the key',
    actions: [
      { key: 'a', from_context: 'metadata.nope', action: 'upsert' },
      { key: 'b', from_context: 'metadata.empty', action: 'upsert' },
    ],
    input: {},
    want: {},
    ctx: { metadata: { empty: [] } },
  },
  // delete
  { name: 'delete by key', actions: [{ key: 'a', action: 'delete' }], input: { a: 1n, b: 2n }, want: { b: 2n } },
  { name: 'delete of a missing key', actions: [{ key: 'x', action: 'delete' }], input: { a: 1n }, want: { a: 1n } },
  {
    name: 'delete by pattern (unanchored, as Go MatchString) and key together',
    actions: [{ key: 'x', pattern: '^password', action: 'delete' }],
    input: { x: 1n, password: 'p', password_old: 'q', user_password: 'r' },
    want: { user_password: 'r' },
  },
  // hash
  {
    name: 'hash of a string is its SHA-256 in hex',
    actions: [{ key: 'account_email', action: 'hash' }],
    input: { account_email: 'a@b.c' },
    want: { account_email: sha256('a@b.c') },
  },
  {
    name: 'hash of an int, a double and a bool hashes their 8 / 8 / 1 bytes',
    actions: [{ pattern: '.*', action: 'hash' }],
    input: { i: 42n, d: 0.5, t: true },
    want: {
      i: sha256(le64(42n)),
      d: sha256(Buffer.from(new Float64Array([0.5]).buffer)),
      t: sha256(Buffer.of(1)),
    },
  },
  {
    name: 'hash of an empty string, a list or bytes is the empty string',
    actions: [{ pattern: '.', action: 'hash' }],
    input: { s: '', l: ['x'], b: new Uint8Array([1]) },
    want: { s: '', l: '', b: '' },
  },
  // extract
  {
    name: 'extract puts each named group (Go syntax) into its attribute, keeping the source',
    actions: [{ key: 'http.url', pattern: '^/api/(?P<version>v\\d+)/users/(?P<user_id>\\d+)$', action: 'extract' }],
    input: { 'http.url': '/api/v1/users/123', user_id: 'old' },
    want: { 'http.url': '/api/v1/users/123', user_id: '123', version: 'v1' },
  },
  {
    name: 'extract with JavaScript group syntax and a leading (?i) flag',
    actions: [{ key: 'm', pattern: '(?i)level=(?<level>[a-z]+)', action: 'extract' }],
    input: { m: 'LEVEL=Warn' },
    want: { m: 'LEVEL=Warn', level: 'Warn' },
  },
  {
    name: 'extract does nothing when the pattern does not match or the value is not a string',
    actions: [
      { key: 's', pattern: '^(?P<x>\\d+)$', action: 'extract' },
      { key: 'n', pattern: '^(?P<y>\\d+)$', action: 'extract' },
    ],
    input: { s: 'abc', n: 12n },
    want: { s: 'abc', n: 12n },
  },
  // convert
  {
    name: 'convert to int: parsed strings, truncated doubles, bools as 1/0',
    actions: ['s', 'd', 'neg', 't', 'f', 'i'].map((key) => ({ key, action: 'convert', converted_type: 'int' })),
    input: { s: '+123', d: 2.9, neg: -2.9, t: true, f: false, i: 5n },
    want: { s: 123n, d: 2n, neg: -2n, t: 1n, f: 0n, i: 5n },
  },
  {
    name: 'convert to int leaves what does not parse as it is',
    actions: ['a', 'b', 'c', 'd', 'l'].map((key) => ({ key, action: 'convert', converted_type: 'int' })),
    input: { a: '1.5', b: ' 1', c: '9223372036854775808', d: '0x10', l: ['1'] },
    want: { a: '1.5', b: ' 1', c: '9223372036854775808', d: '0x10', l: ['1'] },
  },
  {
    name: 'convert to double: strings (Go ParseFloat forms), ints, bools',
    actions: ['s', 'e', 'inf', 'i', 't'].map((key) => ({ key, action: 'convert', converted_type: 'double' })),
    input: { s: '1.5', e: '-2e3', inf: '+Inf', i: 3n, t: true },
    want: { s: 1.5, e: -2000, inf: Infinity, i: 3, t: 1 },
  },
  {
    name: 'convert to double leaves what does not parse as it is',
    actions: ['a', 'b'].map((key) => ({ key, action: 'convert', converted_type: 'double' })),
    input: { a: 'abc', b: '1e400' },
    want: { a: 'abc', b: '1e400' },
  },
  {
    name: 'convert to string as AsString: numbers, bools, bytes in base64, maps as JSON',
    actions: ['i', 'd', 'b', 'by', 'm'].map((key) => ({ key, action: 'convert', converted_type: 'string' })),
    input: { i: 7n, d: 1.25, b: false, by: new Uint8Array([1, 2]), m: { k: 1n } },
    want: { i: '7', d: '1.25', b: 'false', by: 'AQI=', m: '{"k":1}' },
  },
  {
    name: 'convert of a missing key does nothing',
    actions: [{ key: 'x', action: 'convert', converted_type: 'int' }],
    input: { a: '1' },
    want: { a: '1' },
  },
  // order
  {
    name: 'actions run in order, each seeing the result of the one before',
    actions: [
      { key: 'b', from_attribute: 'a', action: 'insert' },
      { key: 'a', action: 'delete' },
      { key: 'b', action: 'convert', converted_type: 'int' },
    ],
    input: { a: '10' },
    want: { b: 10n },
  },
];

describe('attribute actions', () => {
  for (const c of CASES) it(c.name, () => assert.deepEqual(run(c), c.want));

  it('leaves the list it is given, and its entries, unchanged; returns the same list when nothing changed', () => {
    const input = attributes({ a: 'x', b: 1n });
    const before = structuredClone(input);
    const actions = compileActions([
      { key: 'a', action: 'hash' },
      { key: 'b', action: 'delete' },
      { key: 'c', value: 1, action: 'insert' },
    ]);
    const out = applyActions(actions, input, {});
    assert.notEqual(out, input);
    assert.deepEqual(input, before);
    const none = compileActions([{ key: 'zzz', action: 'delete' }]);
    assert.equal(applyActions(none, input, {}), input);
  });

  it('gives every list its own copy of a configured value, so an edit in place downstream stays in one list', () => {
    const actions = compileActions([{ key: 'm', value: { k: 'v' }, action: 'insert' }]);
    const one = applyActions(actions, [], {});
    const two = applyActions(actions, [], {});
    const v = one[0]!.value as { kvlistValue: { values: KeyValue[] } };
    v.kvlistValue.values[0]!.value = { stringValue: 'changed' };
    assert.deepEqual(plain(two), { m: { k: 'v' } });
    assert.deepEqual(plain(applyActions(actions, [], {})), { m: { k: 'v' } });
  });
});
