import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { formatIssue } from './issues.ts';
import { loadConfigFiles, loadConfigText, parseMessage } from './load.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

await test('every parse error is reported with file, line and column, without the source excerpt', async () => {
  const file = fixture('parse-errors.yaml');
  const r = await loadConfigFiles([file], {});
  assert.equal(r.config, undefined);
  assert.deepEqual(
    r.issues.map((i) => [i.location, i.path]),
    [
      [{ file, line: 5, column: 44 }, []],
      [{ file, line: 9, column: 3 }, []],
    ],
  );
  assert.match(r.issues[1]?.message ?? '', /unique/);
  for (const i of r.issues) {
    assert.doesNotMatch(formatIssue(i), /s3cr3t|Bearer|at line|\n/);
  }
});

await test('parseMessage keeps the first line of a pretty yaml error, without position or excerpt', () => {
  const doc = parseDocument('a:\n  b: "s3cr3t" extra\n', { lineCounter: new LineCounter(), prettyErrors: true });
  const raw = doc.errors[0]?.message ?? '';
  assert.match(raw, /s3cr3t/, 'the yaml package is expected to quote the source');
  assert.equal(parseMessage(raw), 'Unexpected scalar at node end');
  assert.equal(
    parseMessage('Block scalar header includes extra characters: s3cr3t'),
    'Block scalar header includes extra characters',
  );
});

await test('problems in several files are all reported, a missing file naming the file', async () => {
  const missing = fixture('no-such-file.yaml');
  const r = await loadConfigFiles([fixture('parse-errors.yaml'), missing, fixture('not-a-map.yaml')], {});
  assert.equal(r.config, undefined);
  const lines = r.issues.map(formatIssue);
  assert.equal(lines.length, 4);
  assert.ok(lines.includes(`cannot read config file "${missing}": no such file`), lines.join('\n'));
  assert.ok(
    lines.includes(`${fixture('not-a-map.yaml')}:1:1: the top level of a config file must be a map`),
    lines.join('\n'),
  );
});

await test('files merge in order: maps merge, lists and scalars are replaced', async () => {
  const base = fixture('base.yaml');
  const override = fixture('override.yaml');
  const r = await loadConfigFiles([base, override], {});
  assert.deepEqual(r.issues, []);
  assert.ok(r.config);
  assert.deepEqual(r.config.files, [base, override]);
  assert.deepEqual(r.config.value, {
    receivers: {
      otlp: { protocols: { grpc: { endpoint: '127.0.0.1:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
    },
    processors: { batch: { timeout: '1s' } },
    exporters: { otlp_grpc: { endpoint: 'collector:4317', headers: { 'x-tenant': 'base', 'x-env': 'prod' } } },
    service: { pipelines: { traces: { receivers: ['otlp'], processors: [], exporters: ['otlp_grpc'] } } },
  });

  const at = (file: string, line: number, column: number) => ({ file, line, column });
  const { locate } = r.config;
  // Defined in both: the last file wins.
  assert.deepEqual(locate(['receivers', 'otlp', 'protocols', 'grpc', 'endpoint']), at(override, 6, 9));
  assert.deepEqual(locate(['exporters', 'otlp_grpc', 'headers']), at(override, 9, 5));
  assert.deepEqual(locate(['service', 'pipelines', 'traces', 'processors']), at(override, 14, 7));
  assert.deepEqual(locate([]), at(override, 2, 1));
  // Only in the first file.
  assert.deepEqual(locate(['receivers', 'otlp', 'protocols', 'http', 'endpoint']), at(base, 8, 9));
  assert.deepEqual(locate(['exporters', 'otlp_grpc', 'headers', 'x-tenant']), at(base, 16, 7));
  assert.deepEqual(locate(['service', 'pipelines', 'traces', 'receivers', 0]), at(base, 20, 19));
  // Missing: the deepest ancestor that exists.
  assert.deepEqual(locate(['processors', 'batch', 'send_batch_size']), at(base, 10, 3));
  assert.deepEqual(locate(['service', 'pipelines', 'traces', 'processors', 0]), at(override, 14, 7));
  assert.deepEqual(locate(['extensions', 'x']), at(override, 2, 1));
});

await test('loadConfigText names the document in locations', () => {
  const r = loadConfigText('a:\n  b: [x, y]\n', 'default.yaml', {});
  assert.deepEqual(r.config?.value, { a: { b: ['x', 'y'] } });
  assert.deepEqual(r.config?.files, ['default.yaml']);
  assert.deepEqual(r.config?.locate(['a', 'b', 1]), { file: 'default.yaml', line: 2, column: 10 });
});

await test('an empty document is an empty config; a list or scalar is not a config', () => {
  for (const text of ['', '# nothing\n', '~\n']) assert.deepEqual(loadConfigText(text, 'e.yaml', {}).config?.value, {});
  for (const text of ['- a\n', 'just text\n']) {
    const r = loadConfigText(text, 'e.yaml', {});
    assert.equal(r.config, undefined);
    assert.equal(r.issues[0]?.message, 'the top level of a config file must be a map');
  }
});

await test('keys that collide once stringified are refused; odd keys cannot pollute prototypes', () => {
  const dup = loadConfigText('a:\n  1: one\n  "1": two\n', 'k.yaml', {});
  assert.deepEqual(dup.issues.map(formatIssue), ['k.yaml:3:3: a: duplicate key "1"']);
  const proto = loadConfigText('__proto__: {polluted: true}\n', 'p.yaml', {});
  const value = proto.config?.value ?? {};
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const complexKey = loadConfigText('? [a, b]\n: x\n', 'c.yaml', {});
  assert.match(complexKey.issues[0]?.message ?? '', /plain scalars/);
});

await test('aliases are expanded; a self-referencing one is an issue', () => {
  const r = loadConfigText('base: &b {x: 1}\ncopy: *b\nlist: [*b]\n', 'a.yaml', {});
  assert.deepEqual(r.config?.value, { base: { x: 1 }, copy: { x: 1 }, list: [{ x: 1 }] });
  const v = r.config?.value as Record<string, unknown>;
  assert.notEqual(v.base, v.copy, 'each alias gets its own copy, so merging into one cannot change another');
  const cyclic = loadConfigText('a: &x {b: *x}\n', 'c.yaml', {});
  assert.equal(cyclic.config, undefined);
  assert.match(cyclic.issues[0]?.message ?? '', /alias \*x cannot be resolved/);
});

await test('envOf names the variables a value refers to, set or not, and none for values without one', () => {
  const text = [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http: { endpoint: "${env:HTTP_AT:-localhost:4318}" }',
    '      grpc: { endpoint: "${env:HOST}:${env:PORT}" }',
    'exporters:',
    '  debug: { verbosity: "$${env:NOT_A_REFERENCE}" }',
  ].join('\n');
  const r = loadConfigText(text, 'env.yaml', { HOST: 'localhost', PORT: '4317' });
  assert.ok(r.config, JSON.stringify(r.issues));
  const { envOf } = r.config;
  assert.deepEqual(envOf(['receivers', 'otlp', 'protocols', 'http', 'endpoint']), ['HTTP_AT']);
  assert.deepEqual(envOf(['receivers', 'otlp', 'protocols', 'grpc', 'endpoint']), ['HOST', 'PORT']);
  assert.deepEqual(envOf(['exporters', 'debug', 'verbosity']), []);
  assert.deepEqual(envOf(['receivers', 'otlp']), [], 'only the value itself, not what is below it');
  assert.deepEqual(envOf(['receivers', 'missing', 'endpoint']), []);
});
