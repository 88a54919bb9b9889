import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { EnvScrubber, expandEnv } from './expand-env.ts';
import { formatIssue } from './issues.ts';
import { loadConfigFiles, loadConfigText } from './load.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

const ENV = { HOST: 'h.example', PORT: '4317', TLS_ENABLED: 'true', MODE: '', OTLP_TOKEN: 'tok' };

await test('references expand in string values, typed when a plain value is exactly one reference', async () => {
  const r = await loadConfigFiles([fixture('env.yaml')], ENV);
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.config?.value, {
    receivers: {
      otlp: {
        endpoint: 'h.example:4317',
        port: 4317,
        quoted_port: '4317',
        tls: true,
        mode: 'normal',
        price: '$5 and $HOME stay',
      },
    },
    exporters: { otlp: { token: 'tok' } },
  });
});

await test('an unset variable is an issue at its path and position', async () => {
  const file = fixture('env.yaml');
  const { OTLP_TOKEN: _, ...env } = ENV;
  const r = await loadConfigFiles([file], env);
  assert.equal(r.config, undefined);
  assert.deepEqual(r.issues, [
    {
      path: ['exporters', 'otlp', 'token'],
      message: 'environment variable "OTLP_TOKEN" is not set (use ${env:OTLP_TOKEN:-default} to give a default)',
      location: { file, line: 11, column: 12 },
    },
  ]);
});

await test('defaults apply when the variable is unset or empty, not when it is set', () => {
  assert.deepEqual(expandEnv('${env:A:-x}', {}, false), { value: 'x', errors: [] });
  assert.deepEqual(expandEnv('${env:A:-x}', { A: '' }, false), { value: 'x', errors: [] });
  assert.deepEqual(expandEnv('${env:A:-x}', { A: 'set' }, false), { value: 'set', errors: [] });
  assert.deepEqual(expandEnv('${env:A:-}', {}, false), { value: '', errors: [] });
  assert.deepEqual(expandEnv('${env:A:-a:-b c}', {}, false), { value: 'a:-b c', errors: [] });
  // Set but empty, without a default, is a value like any other.
  assert.deepEqual(expandEnv('${env:A}', { A: '' }, false), { value: '', errors: [] });
});

await test('several references, $$ and lone dollars in one value', () => {
  const env = { A: 'x', B: 'y' };
  assert.deepEqual(expandEnv('${env:A}-${env:B}/${env:A}', env, true), { value: 'x-y/x', errors: [] });
  assert.deepEqual(expandEnv('$${env:A} costs $$5, $A and $ stay', env, false), {
    value: '${env:A} costs $5, $A and $ stay',
    errors: [],
  });
  assert.deepEqual(expandEnv('$', env, false), { value: '$', errors: [] });
});

await test('typed substitution reads numbers, booleans and null, and keeps everything else as written', () => {
  const typed = (v: string): unknown => expandEnv('${env:V}', { V: v }, true).value;
  assert.equal(typed('4317'), 4317);
  assert.equal(typed('1.5'), 1.5);
  assert.equal(typed('false'), false);
  assert.equal(typed('null'), null);
  assert.equal(typed('[1, 2]'), '[1, 2]');
  assert.equal(typed('a: b'), 'a: b');
  assert.equal(typed("'quoted'"), "'quoted'");
  assert.equal(typed('123456789012345678901'), '123456789012345678901');
  assert.equal(typed(''), '');
  assert.equal(typed('{unclosed'), '{unclosed');
  // Not the whole value, or not asked to: always a string.
  assert.equal(expandEnv('${env:V} ', { V: '1' }, true).value, '1 ');
  assert.equal(expandEnv('${env:V}', { V: '1' }, false).value, '1');
});

await test('quoted and block values stay strings; keys are not expanded', () => {
  const r = loadConfigText('a: "${env:N}"\nb: |\n  ${env:N}\n${env:N}: ${env:N}\n', 'k.yaml', { N: '7' });
  assert.deepEqual(r.config?.value, { a: '7', b: '7\n', '${env:N}': 7 });
});

await test('malformed references are issues naming the reference', () => {
  const text = [
    'a: ${foo bar}',
    'b: ${env:}',
    'c: x${env:A',
    'd: ${env:1A}',
    'e: ${env:A-B}',
    'f: ${env:A:-${env:B}}',
    'g: ${http://x}',
    'h: ${file:}',
  ].join('\n');
  const r = loadConfigText(text, 'm.yaml', { A: 'x', B: 'y' });
  assert.equal(r.config, undefined);
  const lines = r.issues.map(formatIssue);
  const expected = 'expected ${env:NAME}, ${NAME}, ${env:NAME:-default} or ${file:path}';
  assert.deepEqual(lines, [
    `m.yaml:1:4: a: invalid environment variable name in "\${foo bar}" (${expected}, NAME being letters, digits and _)`,
    `m.yaml:2:4: b: missing variable name in "\${env:}" (${expected})`,
    `m.yaml:3:4: c: unterminated reference "\${env:A" (${expected})`,
    `m.yaml:4:4: d: invalid environment variable name in "\${env:1A}" (${expected}, NAME being letters, digits and _)`,
    `m.yaml:5:4: e: invalid environment variable name in "\${env:A-B}" (${expected}, NAME being letters, digits and _)`,
    'm.yaml:6:4: f: nested references are not supported in "${env:A:-${env:B}"',
    `m.yaml:7:4: g: unsupported scheme "http" in "\${http://x}" (${expected})`,
    `m.yaml:8:4: h: missing file path in "\${file:}" (${expected})`,
  ]);
});

await test('environment values never appear in issues', () => {
  const env = { SECRET: 'hunter2-secret', EMPTY: '' };
  const text =
    'a: "${env:SECRET} ${env:MISSING}"\nb: ${env:SECRET}${env:}\nc: ${env:SECRET}${env:A\nd: ${env:EMPTY}${foo}\n';
  const r = loadConfigText(text, 's.yaml', env);
  assert.equal(r.issues.length, 4);
  for (const i of r.issues) assert.doesNotMatch(formatIssue(i), /hunter2/);
});

await test('the default environment is process.env', () => {
  process.env.OTELHUB_CONFIG_TEST_VAR = '42';
  try {
    assert.deepEqual(loadConfigText('a: ${env:OTELHUB_CONFIG_TEST_VAR}\n', 'p.yaml').config?.value, { a: 42 });
  } finally {
    delete process.env.OTELHUB_CONFIG_TEST_VAR;
  }
});

await test('EnvScrubber shows environment values in messages as their references, a short one only quoted whole', () => {
  {
    const s = new EnvScrubber();
    s.note('${env:TOKEN}', 's3cret-token');
    s.note('${env:N}', '1');
    assert.equal(
      s.scrub('invalid URL "http://x:s3cret-token@h": expected 1 of "1"'),
      'invalid URL "http://x:${env:TOKEN}@h": expected 1 of "${env:N}"',
    );
  }
  {
    // Addresses are shown as they are: a listening address is no secret.
    const s = new EnvScrubber();
    for (const v of ['0.0.0.0', '127.0.0.1:4317', 'localhost', '[::1]:8888', '::']) s.note('${env:HOST}', v);
    s.note('${env:SECRET}', '10.0.0.1x');
    assert.equal(
      s.scrub('listening on http://0.0.0.0:8888, 127.0.0.1:4317, [::1]:8888, localhost; 10.0.0.1x'),
      'listening on http://0.0.0.0:8888, 127.0.0.1:4317, [::1]:8888, localhost; ${env:SECRET}',
    );
  }
});
