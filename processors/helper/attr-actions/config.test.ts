// The load-time checks of action entries: each refused entry is named by its path, with the key at fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionConfig } from './config.ts';
import { actionIssues } from './config.ts';
import { compileGoRegexp } from './go-regexp.ts';

const issuesOf = (a: ActionConfig) => actionIssues([{ key: 'ok', value: 1, action: 'insert' }, a], ['actions']);

const REFUSED: { name: string; entry: ActionConfig; path: (string | number)[]; message: RegExp }[] = [
  {
    name: 'an unknown action',
    entry: { key: 'a', action: 'rename' },
    path: ['actions', 1, 'action'],
    message: /unknown action "rename" \(known: insert, update, upsert, delete, hash, extract, convert\)/,
  },
  {
    name: 'insert without a key',
    entry: { value: 1, action: 'insert' },
    path: ['actions', 1, 'key'],
    message: /required for action "insert"/,
  },
  {
    name: 'upsert with no value source',
    entry: { key: 'a', action: 'upsert' },
    path: ['actions', 1],
    message: /needs one of value, from_attribute or from_context/,
  },
  {
    name: 'value and from_attribute both set',
    entry: { key: 'a', value: 1, from_attribute: 'b', action: 'update' },
    path: ['actions', 1, 'from_attribute'],
    message: /second value source beside value/,
  },
  {
    name: 'insert with a pattern',
    entry: { key: 'a', value: 1, pattern: 'x', action: 'insert' },
    path: ['actions', 1, 'pattern'],
    message: /not used by action "insert"/,
  },
  {
    name: 'from_context auth.*',
    entry: { key: 'a', from_context: 'auth.subject', action: 'insert' },
    path: ['actions', 1, 'from_context'],
    message: /authenticators pass no attributes/,
  },
  {
    name: 'from_context client.address',
    entry: { key: 'a', from_context: 'client.address', action: 'insert' },
    path: ['actions', 1, 'from_context'],
    message: /client address is not available/,
  },
  {
    name: 'delete with neither key nor pattern',
    entry: { action: 'delete' },
    path: ['actions', 1],
    message: /needs key, pattern or both/,
  },
  {
    name: 'hash with a value',
    entry: { key: 'a', value: 'x', action: 'hash' },
    path: ['actions', 1, 'value'],
    message: /not used by action "hash"/,
  },
  {
    name: 'delete with a pattern that does not compile',
    entry: { pattern: 'a(b', action: 'delete' },
    path: ['actions', 1, 'pattern'],
    message: /does not compile: .*(unterminated|Unterminated)/,
  },
  {
    name: 'extract without a pattern',
    entry: { key: 'a', action: 'extract' },
    path: ['actions', 1, 'pattern'],
    message: /required for action "extract"/,
  },
  {
    name: 'extract without named groups',
    entry: { key: 'a', pattern: '^(\\d+)$', action: 'extract' },
    path: ['actions', 1, 'pattern'],
    message: /has an unnamed capture group/,
  },
  {
    name: 'extract without any group',
    entry: { key: 'a', pattern: '^\\d+$', action: 'extract' },
    path: ['actions', 1, 'pattern'],
    message: /no named capture groups/,
  },
  {
    name: 'extract with a value source',
    entry: { key: 'a', pattern: '(?P<x>.)', from_context: 'metadata.x', action: 'extract' },
    path: ['actions', 1, 'from_context'],
    message: /not used by action "extract"/,
  },
  {
    name: 'convert without converted_type',
    entry: { key: 'a', action: 'convert' },
    path: ['actions', 1, 'converted_type'],
    message: /required for action "convert"/,
  },
  {
    name: 'convert to an unknown type',
    entry: { key: 'a', action: 'convert', converted_type: 'bool' },
    path: ['actions', 1, 'converted_type'],
    message: /"bool" is not int, double or string/,
  },
  {
    name: 'an unsupported inline flag',
    entry: { pattern: '(?U)a+', action: 'delete' },
    path: ['actions', 1, 'pattern'],
    message: /inline flag "U" is not supported/,
  },
];

describe('attribute action config', () => {
  for (const c of REFUSED)
    it(`refuses ${c.name}, at its path`, () => {
      const issues = issuesOf(c.entry);
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.deepEqual(issues[0]!.path, c.path);
      assert.match(issues[0]!.message, c.message);
    });

  it('accepts every action in its documented form', () => {
    const ok: ActionConfig[] = [
      { key: 'a', value: 'x', action: 'insert' },
      { key: 'a', from_attribute: 'b', action: 'update' },
      { key: 'a', from_context: 'metadata.tenant', action: 'upsert' },
      { key: 'a', action: 'delete' },
      { pattern: '^secret\\-', action: 'hash' },
      { key: 'a', pattern: '(?P<x>\\d+)', action: 'extract' },
      { key: 'a', action: 'convert', converted_type: 'double' },
    ];
    assert.deepEqual(actionIssues(ok, ['attributes']), []);
  });
});

describe('Go regular expressions', () => {
  it('translates named groups and leading inline flags, and lists the groups in order', () => {
    const r = compileGoRegexp('(?is)^(?P<a>x)(y)(?:z)[(](?P<b>.)');
    assert.ok(r.ok);
    assert.deepEqual(r.groups, ['a', '', 'b']);
    assert.equal(r.re.flags.includes('i') && r.re.flags.includes('s'), true);
    assert.deepEqual({ ...r.re.exec('XYz(q')?.groups }, { a: 'X', b: 'q' });
  });

  it('accepts the escapes RE2 allows that Unicode mode refuses, keeping those that mean something', () => {
    const r = compileGoRegexp('^a\\-b\\:c[\\-\\:x]\\.\\d$');
    assert.ok(r.ok);
    assert.equal(r.re.test('a-b:c-.1'), true);
    assert.equal(r.re.test('a-b:c:x1'), false);
  });

  it('refuses RE2 escapes JavaScript does not know, rather than reading them as letters', () => {
    for (const p of ['abc\\z', '\\Aabc', '[[:alpha:]]+', '\\pL']) assert.equal(compileGoRegexp(p).ok, false, p);
  });
});
