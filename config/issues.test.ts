import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, formatIssue, formatPath } from './issues.ts';

await test('formatPath joins keys and indices with ::', () => {
  assert.equal(formatPath(['exporters', 'otlp', 'endpoint']), 'exporters::otlp::endpoint');
  assert.equal(
    formatPath(['service', 'pipelines', 'traces', 'receivers', 0]),
    'service::pipelines::traces::receivers::0',
  );
  assert.equal(formatPath([]), '');
});

await test('formatIssue leaves out what is unknown', () => {
  const location = { file: 'a.yaml', line: 3, column: 5 };
  assert.equal(formatIssue({ path: ['a', 1], message: 'is required', location }), 'a.yaml:3:5: a::1: is required');
  assert.equal(formatIssue({ path: ['a'], message: 'is required' }), 'a: is required');
  assert.equal(formatIssue({ path: [], message: 'bad', location }), 'a.yaml:3:5: bad');
  assert.equal(formatIssue({ path: [], message: 'bad' }), 'bad');
});

await test('ConfigError lists every issue, one per line', () => {
  const err = new ConfigError([
    { path: ['a'], message: 'one', location: { file: 'f.yaml', line: 1, column: 2 } },
    { path: ['b', 0], message: 'two' },
  ]);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'ConfigError');
  assert.equal(err.message, 'f.yaml:1:2: a: one\nb::0: two');
  assert.equal(err.issues.length, 2);
});
