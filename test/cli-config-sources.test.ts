// `--config` URIs, `--set` and `${file:}` through the real otelhub command.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { DROP_IN_TRIGGERS } from '../cli/drop-in-env.ts';
import { runCli, startCli } from './helpers/process.ts';

const BASE = 'test/testdata/base.yaml';
const NO_DROP_IN = Object.fromEntries(DROP_IN_TRIGGERS.map((name) => [name, '']));
const SECRET = 's3cret-token-value';

describe('otelhub --config URIs and --set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-sources-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help names the URI kinds, --set and the unset-variable difference', async () => {
    const h = await runCli(['--help']);
    assert.equal(h.code, 0);
    for (const s of ['file:PATH', 'env:NAME', 'yaml:key::path: value', '--set key::path=value', '${file:PATH}']) {
      assert.ok(h.stdout.includes(s), s);
    }
    assert.match(h.stdout, /unset one\s+without a default is an error, where the Collector would use an empty string/);
  });

  it('validates file:, env: and yaml: URIs merged in order, with --set applied last', async () => {
    const args = [
      '--set',
      'processors::batch::send_batch_size=5',
      '--config',
      `file:${BASE}`,
      '--config',
      'env:OTELHUB_TEST_CFG',
      '--config',
      'yaml:processors::batch::timeout: 2s',
    ];
    const env = { OTELHUB_TEST_CFG: 'processors:\n  batch:\n    send_batch_size: 0\n    timeout: 9s\n' };
    const r = await runCli(['validate', ...args], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'configuration is valid (1 pipeline)\n');
    const p = await runCli(['print-config', ...args], env);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual((parse(p.stdout) as { processors: unknown }).processors, {
      batch: { timeout: '2s', send_batch_size: 5 },
    });
  });

  it('points a schema error at the --set that caused it', async () => {
    const r = await runCli(['validate', '--config', BASE, '--set', 'processors::batch::timeout=banana']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ {2}--set processors::batch::timeout:1:\d+: processors::batch::timeout: /m);
  });

  it('reports every bad source at once, naming each, with exit status 1', async () => {
    assert.equal(process.env.OTELHUB_TEST_UNSET, undefined);
    const r = await runCli(['validate', '--config', 'env:OTELHUB_TEST_UNSET', '--config', 'nope.yaml', '--set', 'x']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      [
        'invalid configuration (3 errors):',
        '  environment variable "OTELHUB_TEST_UNSET" of --config "env:OTELHUB_TEST_UNSET" is not set',
        '  cannot read config file "nope.yaml": no such file',
        '  --set "x": missing equal sign (expected --set key::path=value)',
        '',
      ].join('\n'),
    );
  });

  it('print-config shows the merged result, names its sources without their values, redacts secrets', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, SECRET);
    const r = await runCli(
      [
        'print-config',
        '--config',
        BASE,
        '--config',
        `yaml:extensions::bearertokenauth::token: \${file:${tokenFile}}`,
        '--set',
        `extensions::bearertokenauth/b::token=${SECRET}`,
        '--set',
        'processors::batch::timeout=3s',
      ],
      {},
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stdout.includes(
        `from ${BASE}, yaml:extensions::bearertokenauth::token, --set extensions::bearertokenauth/b::token, --set processors::batch::timeout:`,
      ),
      r.stdout,
    );
    assert.doesNotMatch(r.stdout, /s3cret/);
    assert.match(r.stdout, /bearertokenauth:\n {4}token: "?\[REDACTED\]"?/);
    assert.match(r.stdout, /bearertokenauth\/b:\n {4}token: "?\[REDACTED\]"?/);
    assert.match(r.stdout, /timeout: 3s/);
  });

  it('--set changes the embedded default config too', async () => {
    const r = await runCli(['print-config', '--set', 'service::telemetry::logs::level=warn'], NO_DROP_IN);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /from <embedded default config>, --set service::telemetry::logs::level:/);
    assert.match(r.stdout, /logs:\n(?: {6}.*\n)*? {6}level: warn/);
  });

  it('runs a hub put together from env: and yaml: URIs and --set', async () => {
    const hub = startCli(
      [
        '--config',
        'env:OTELHUB_TEST_CFG',
        '--config',
        'yaml:extensions::health_check::endpoint: localhost:0',
        '--set',
        'service::extensions=[health_check]',
      ],
      { OTELHUB_TEST_CFG: readFileSync(BASE, 'utf8') },
    );
    try {
      const h = await hub.waitForLog((l) => l.msg === 'health check listening');
      const health = await fetch(`http://${String(h.endpoint)}/`);
      assert.equal(health.status, 200);
      hub.child.kill('SIGTERM');
      const r = await hub.exited;
      assert.equal(r.code, 0, r.stderr);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });
});
