// `npx otelhub` works after `npm install otelhub`: pack this checkout, install the tarball into an empty project
// (dependencies from the npm cache or registry), and run the installed command.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './helpers/process.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('installed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-install-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as npx otelhub from a fresh install', () => {
    const tgz = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', join(dir, tgz)], {
      cwd: dir,
      stdio: 'pipe',
    });
    const version = spawnSync('npx', ['--no-install', 'otelhub', '--version'], { cwd: dir, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    writeFileSync(
      join(dir, 'hub.yaml'),
      'receivers: { hostmetrics: }\nexporters: { debug: }\nservice: { pipelines: { metrics: { receivers: [hostmetrics], exporters: [debug] } } }\n',
    );
    const valid = spawnSync('npx', ['--no-install', 'otelhub', 'validate', '--config', 'hub.yaml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(valid.status, 0, valid.stderr);
    assert.match(valid.stdout, /configuration is valid/);
  });
});
