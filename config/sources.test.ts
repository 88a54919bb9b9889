import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Env } from './expand-env.ts';
import { formatIssue } from './issues.ts';
import { loadConfigFiles, loadConfigText } from './load.ts';

// Relative paths, as a user types them: the tests run from the repository root (npm test does).
const BASE = 'config/testdata/base.yaml';
const abs = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));

interface Case {
  name: string;
  configs: string[];
  sets?: string[];
  env?: Env;
  /** Where to look in the merged value, and what to find there. */
  at: string[];
  want: unknown;
}

const CASES: Case[] = [
  { name: 'a plain path', configs: [BASE], at: ['processors', 'batch', 'timeout'], want: '1s' },
  { name: 'file: URI', configs: [`file:${BASE}`], at: ['processors', 'batch', 'timeout'], want: '1s' },
  { name: 'file: URI, absolute', configs: [`file:${abs(BASE)}`], at: ['processors', 'batch'], want: { timeout: '1s' } },
  {
    name: 'env: URI holds YAML',
    configs: ['env:CFG'],
    env: { CFG: 'processors:\n  batch:\n    timeout: 5s\n' },
    at: ['processors', 'batch', 'timeout'],
    want: '5s',
  },
  {
    name: 'env: URI merged after a file',
    configs: [BASE, 'env:CFG'],
    env: { CFG: '{processors: {batch: {send_batch_size: 7}}}' },
    at: ['processors', 'batch'],
    want: { timeout: '1s', send_batch_size: 7 },
  },
  {
    name: 'yaml: URI with a key path',
    configs: [BASE, 'yaml:processors::batch::timeout: 2s'],
    at: ['processors', 'batch', 'timeout'],
    want: '2s',
  },
  {
    name: 'yaml: URI with a map value',
    configs: [BASE, 'yaml:exporters::otlp_grpc::headers: {x-tenant: yaml}'],
    at: ['exporters', 'otlp_grpc', 'headers'],
    want: { 'x-tenant': 'yaml' },
  },
  {
    name: '--set over the merged files',
    configs: [BASE, 'yaml:processors::batch::timeout: 2s'],
    sets: ['processors::batch::timeout=3s'],
    at: ['processors', 'batch', 'timeout'],
    want: '3s',
  },
  {
    name: '--set with . as the separator, as the Collector reads it',
    configs: [BASE],
    sets: ['processors.batch.timeout=4s'],
    at: ['processors', 'batch', 'timeout'],
    want: '4s',
  },
  { name: '--set a number', configs: [BASE], sets: ['a::n=4317'], at: ['a', 'n'], want: 4317 },
  { name: '--set a boolean', configs: [BASE], sets: ['a::b= true '], at: ['a', 'b'], want: true },
  { name: '--set a quoted string', configs: [BASE], sets: ['a::s="4317"'], at: ['a', 's'], want: '4317' },
  { name: '--set a list replaces it', configs: [BASE], sets: ['l=[x, y]'], at: ['l'], want: ['x', 'y'] },
  {
    name: '--set a list of a pipeline',
    configs: [BASE],
    sets: ['service::pipelines::traces::processors=[]'],
    at: ['service', 'pipelines', 'traces', 'processors'],
    want: [],
  },
  { name: '--set with = in the value', configs: [BASE], sets: ['a::q=k=v'], at: ['a', 'q'], want: 'k=v' },
  { name: '--set, the last one wins', configs: [BASE], sets: ['a::n=1', 'a::n=2'], at: ['a', 'n'], want: 2 },
  {
    name: '--set an empty value is null',
    configs: [BASE],
    sets: ['processors::batch='],
    at: ['processors'],
    want: { batch: null },
  },
  {
    name: '--set expands references',
    configs: [BASE],
    sets: ['a::e=${env:E}', 'a::f=${F}'],
    env: { E: '9', F: 'x' },
    at: ['a'],
    want: { e: 9, f: 'x' },
  },
  {
    name: '--set a value read with ${file:} (its content as it is, newline included)',
    configs: [BASE],
    sets: ['exporters::otlp_grpc::headers::authorization=${file:config/testdata/sources/token.txt}'],
    at: ['exporters', 'otlp_grpc', 'headers'],
    want: { 'x-tenant': 'base', authorization: 's3cret-from-file\n' },
  },
  {
    name: 'env: URI holding nothing is an empty config',
    configs: [BASE, 'env:CFG'],
    env: { CFG: '' },
    at: ['processors', 'batch', 'timeout'],
    want: '1s',
  },
  {
    name: '${NAME} is ${env:NAME}, ${file:} reads a file (typed when alone, as written when not)',
    configs: ['config/testdata/sources/with-refs.yaml'],
    env: { HOST: 'h.example' },
    at: ['receivers', 'otlp'],
    want: { port: 4317, header: 'Bearer s3cret-from-file\n', host: 'h.example', mode: 'normal' },
  },
];

for (const c of CASES) {
  await test(`config source: ${c.name}`, async () => {
    const r = await loadConfigFiles(c.configs, c.env ?? {}, c.sets ?? []);
    assert.deepEqual(r.issues.map(formatIssue), []);
    let v: unknown = r.config?.value;
    for (const k of c.at) v = (v as Record<string, unknown>)[k];
    assert.deepEqual(v, c.want);
  });
}

interface ErrorCase {
  name: string;
  configs: string[];
  sets?: string[];
  env?: Env;
  want: string[];
}

const ERRORS: ErrorCase[] = [
  { name: 'missing file', configs: ['nope.yaml'], want: ['cannot read config file "nope.yaml": no such file'] },
  {
    name: 'missing file: URI',
    configs: ['file:nope.yaml'],
    want: ['cannot read config file "nope.yaml": no such file'],
  },
  { name: 'a directory', configs: ['file:config'], want: ['cannot read config file "config": is a directory'] },
  { name: 'empty file: URI', configs: ['file:'], want: ['missing file path in --config "file:"'] },
  {
    name: 'unset env: URI (the Collector would read an empty config)',
    configs: ['env:NOPE'],
    want: ['environment variable "NOPE" of --config "env:NOPE" is not set'],
  },
  {
    name: 'bad env: name',
    configs: ['env:1X'],
    want: [
      'invalid environment variable name in --config "env:1X" (expected env:NAME, NAME being letters, digits and _)',
    ],
  },
  {
    name: 'unknown scheme',
    configs: ['http://example.com/c.yaml'],
    want: [
      'unsupported scheme "http" in --config "http://example.com/c.yaml" (expected file:, env: or yaml: or a path)',
    ],
  },
  {
    name: 'env: holding bad YAML names the variable, line and column',
    configs: ['env:CFG'],
    env: { CFG: 'a:\n  b: [1,\n' },
    want: ['env:CFG:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'env: holding a list',
    configs: ['env:CFG'],
    env: { CFG: '- a\n' },
    want: ['env:CFG:1:1: the top level of a config file must be a map'],
  },
  {
    name: 'yaml: named by its key, not its value',
    configs: ['yaml:a::token: ${env:NOPE}'],
    want: [
      'yaml:a::token:1:11: a::token: environment variable "NOPE" is not set (use ${env:NOPE:-default} to give a default)',
    ],
  },
  {
    name: '--set without =',
    configs: [BASE],
    sets: ['processors::batch::timeout'],
    want: ['--set "processors::batch::timeout": missing equal sign (expected --set key::path=value)'],
  },
  {
    name: '--set without a key',
    configs: [BASE],
    sets: ['=2s'],
    want: ['--set: missing key before "=" (expected --set key::path=value)'],
  },
  {
    name: '--set with an empty key in the path',
    configs: [BASE],
    sets: ['a::::b=1'],
    want: ['--set a::::b: empty key in the path (expected --set key::path=value)'],
  },
  {
    name: '--set with an empty key between dots',
    configs: [BASE],
    sets: ['a..b=1'],
    want: ['--set a..b: empty key in the path (expected --set key::path=value)'],
  },
  {
    name: 'yaml: without the space after the colon is still named by its key alone',
    configs: ['yaml:a::token:s3cret'],
    want: ['yaml:a::token:1:1: the top level of a config file must be a map'],
  },
  {
    name: '--set with an unset variable names the --set, not its value',
    configs: [BASE],
    sets: ['exporters::otlp_grpc::endpoint=${env:EP}'],
    want: [
      '--set exporters::otlp_grpc::endpoint:1:33: exporters::otlp_grpc::endpoint: environment variable "EP" is not set (use ${env:EP:-default} to give a default)',
    ],
  },
  {
    name: '${file:} of a missing file',
    configs: ['yaml:a: ${file:nope.txt}'],
    want: ['yaml:a:1:4: a: cannot read file "nope.txt" in "${file:nope.txt}": no such file'],
  },
  {
    name: '${file:} of a directory',
    configs: ['yaml:a: x${file:config}'],
    want: ['yaml:a:1:4: a: cannot read file "config" in "${file:config}": is a directory'],
  },
  {
    name: '${file:} without a path',
    configs: ['yaml:a: ${file:}'],
    want: [
      'yaml:a:1:4: a: missing file path in "${file:}" (expected ${env:NAME}, ${NAME}, ${env:NAME:-default} or ${file:path})',
    ],
  },
  {
    name: '${file:} of a missing file in a --set names the --set',
    configs: [BASE],
    sets: ['a::t=${file:nope.txt}'],
    want: ['--set a::t:1:7: a::t: cannot read file "nope.txt" in "${file:nope.txt}": no such file'],
  },
  {
    name: '--set whose value is not YAML',
    configs: [BASE],
    sets: ['a=[1,'],
    want: ['--set a:1:7: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'yaml: whose value is not YAML',
    configs: ['yaml:a: [1,'],
    want: ['yaml:a:1:7: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'schemes are lower case, as the Collector reads them',
    configs: ['FILE:config/testdata/base.yaml'],
    want: [
      'unsupported scheme "FILE" in --config "FILE:config/testdata/base.yaml" (expected file:, env: or yaml: or a path)',
    ],
  },
  {
    name: 'a one-letter scheme is a path (a Windows drive)',
    configs: ['c:\\x.yaml'],
    want: ['cannot read config file "c:\\x.yaml": no such file'],
  },
  {
    name: '${NAME} unset, as ${env:NAME}',
    configs: ['yaml:a: ${NOPE}'],
    want: ['yaml:a:1:4: a: environment variable "NOPE" is not set (use ${env:NOPE:-default} to give a default)'],
  },
  {
    name: 'every problem at once',
    configs: ['nope.yaml', 'env:NOPE'],
    sets: ['x'],
    want: [
      'cannot read config file "nope.yaml": no such file',
      'environment variable "NOPE" of --config "env:NOPE" is not set',
      '--set "x": missing equal sign (expected --set key::path=value)',
    ],
  },
];

for (const c of ERRORS) {
  await test(`config source error: ${c.name}`, async () => {
    const r = await loadConfigFiles(c.configs, c.env ?? {}, c.sets ?? []);
    assert.equal(r.config, undefined);
    assert.deepEqual(r.issues.map(formatIssue), c.want);
  });
}

await test('a::b keys in a file are paths too, merged with the map at a, positions kept', () => {
  const r = loadConfigText('a:\n  x: 1\na::b::c: 2\n', 'k.yaml', {});
  assert.deepEqual(r.config?.value, { a: { x: 1, b: { c: 2 } } });
  assert.deepEqual(r.config?.locate(['a', 'b', 'c']), { file: 'k.yaml', line: 3, column: 1 });
  assert.deepEqual(r.config?.locate(['a', 'x']), { file: 'k.yaml', line: 2, column: 3 });
});

await test('--set applies over a config given as text (the default and drop-in configs) and is located there', () => {
  const r = loadConfigText('a:\n  x: 1\n', 'd.yaml', {}, ['a::x=2', 'a::y=3']);
  assert.deepEqual(r.config?.value, { a: { x: 2, y: 3 } });
  assert.deepEqual(r.config?.locate(['a', 'x']), { file: '--set a::x', line: 1, column: 1 });
});

await test('values read from a file and from --set never appear in issues about them', async () => {
  const r = await loadConfigFiles(['yaml:a: ${file:config/testdata/sources/token.txt}'], {});
  assert.ok(r.config);
  assert.equal(
    r.config.scrub('invalid header "s3cret-from-file"'),
    'invalid header "${file:config/testdata/sources/token.txt}"',
  );
});
