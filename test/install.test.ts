// The package as a user gets it: pack this checkout (prepack compiles it), install the tarball into an empty
// project without dev dependencies, and run the installed command. It must run the compiled JavaScript with neither
// tsx nor TypeScript present, start a pipeline, and load TypeScript plugins as the README says.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, freePort } from './helpers/hub.ts';
import { ROOT } from './helpers/process.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// As a user's shell has it: no NODE_OPTIONS or npm_* settings of this test run (the otelhub-source condition would
// point `import 'otelhub'` at sources the package does not have).
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('npm_')));

const PLUGIN_ERASABLE = `import type { ProcessorFactory } from 'otelhub';
import { defineProcessor } from 'otelhub';
const factory: ProcessorFactory = defineProcessor({
  kind: 'processor', type: 'noop_ts', stability: 'development', configSchema: { type: 'object' },
  signals: { traces: { accepts: 'traces', emits: 'traces' } },
  createProcessor: (_settings, _config, next) => next,
});
export default factory;
`;
// An enum: TypeScript that Node's type stripping refuses, so it needs tsx.
const PLUGIN_ENUM = PLUGIN_ERASABLE.replace('noop_ts', 'enum_ts').replace(
  'export default factory;',
  'enum Mode { A = 1 }\nexport const mode = Mode.A;\nexport default factory;',
);

const pipeline = (processor: string) =>
  `receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }\nprocessors: { ${processor}: }\nexporters: { debug: { verbosity: detailed } }\nservice: { pipelines: { traces: { receivers: [otlp], processors: [${processor}], exporters: [debug] } } }\n`;

describe('installed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-install-'));
  const bin = join(dir, 'node_modules', '.bin', 'otelhub');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const otelhub = (args: string[]) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: userEnv() });

  before(() => {
    const tgz = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
    );
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz)], {
      cwd: dir,
      stdio: 'pipe',
      env: userEnv(),
    });
  });

  it('holds the compiled JavaScript and no sources, tests, tsx or TypeScript', () => {
    const pkg = join(dir, 'node_modules', 'otelhub');
    assert.deepEqual(
      readdirSync(pkg).sort(),
      ['LICENSE', 'README.md', 'bin', 'dist', 'package.json'].filter((f) => existsSync(join(pkg, f))).sort(),
    );
    assert.ok(existsSync(join(pkg, 'dist', 'cli', 'main.js')));
    assert.ok(existsSync(join(pkg, 'dist', 'index.d.ts')), 'declarations for plugin authors');
    for (const f of ['index.html', 'login.html', 'app.js', 'style.css'])
      assert.ok(existsSync(join(pkg, 'dist', 'extensions', 'console', 'page', f)), `the console's ${f}`);
    assert.ok(!existsSync(join(pkg, 'cli')), 'no TypeScript sources');
    const files = execFileSync('find', [join(pkg, 'dist'), '-name', '*.test.*', '-o', '-name', 'testdata'], {
      encoding: 'utf8',
    });
    assert.equal(files, '', 'no tests or test data');
    for (const dev of ['tsx', 'typescript', '@opentelemetry/otlp-transformer'])
      assert.ok(!existsSync(join(dir, 'node_modules', dev)), `${dev} is not installed`);
  });

  it('prints its version and validates a config', () => {
    const version = otelhub(['--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    writeFileSync(join(dir, 'hub.yaml'), pipeline('batch'));
    const valid = otelhub(['validate', '--config', 'hub.yaml']);
    assert.equal(valid.status, 0, valid.stderr);
    assert.match(valid.stdout, /configuration is valid/);
  });

  it('runs a pipeline: OTLP/HTTP in, debug out, clean stop on SIGTERM', async () => {
    const port = await freePort();
    writeFileSync(join(dir, 'run.yaml'), pipeline('batch').replace('127.0.0.1:0', `127.0.0.1:${port}`));
    const child = spawn(bin, ['--config', 'run.yaml'], { cwd: dir, env: userEnv() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const body = JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: 'eee19b7ec3c1b174',
                    name: 'from-the-installed-package',
                    startTimeUnixNano: '1',
                    endTimeUnixNano: '2',
                  },
                ],
              },
            ],
          },
        ],
      });
      await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).catch(() => undefined);
        return res?.status === 200;
      }, `the installed hub to accept OTLP; output:\n${out}`);
      await eventually(() => out.includes('from-the-installed-package'), `the span in the debug output:\n${out}`);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
  });

  it('loads an erasable TypeScript plugin with Node alone, and one Node cannot strip once tsx is installed', () => {
    writeFileSync(join(dir, 'erasable.ts'), PLUGIN_ERASABLE);
    writeFileSync(join(dir, 'erasable.yaml'), `plugins: [./erasable.ts]\n${pipeline('noop_ts')}`);
    const erasable = otelhub(['validate', '--config', 'erasable.yaml']);
    assert.equal(erasable.status, 0, erasable.stderr);

    writeFileSync(join(dir, 'with-enum.ts'), PLUGIN_ENUM);
    writeFileSync(join(dir, 'with-enum.yaml'), `plugins: [./with-enum.ts]\n${pipeline('enum_ts')}`);
    const refused = otelhub(['validate', '--config', 'with-enum.yaml']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /plugins::0: cannot load plugin "\.\/with-enum\.ts": .*install tsx/);

    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', 'tsx'], {
      cwd: dir,
      stdio: 'pipe',
      env: userEnv(),
    });
    const loaded = otelhub(['validate', '--config', 'with-enum.yaml']);
    assert.equal(loaded.status, 0, loaded.stderr);
  });
});
