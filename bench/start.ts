// Start time of the otelhub command as a user gets it: the packed package (compiled JavaScript) installed into an
// empty project without dev dependencies. The reference, measured in the same run, is a bare `node -e 0` on the
// same Node; the sources run through tsx (how a checkout starts) are shown for comparison.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface StartFigures {
  name: string;
  /** Median and fastest wall time of one start, in seconds. */
  median: number;
  min: number;
}

/** A user's environment: no drop-in variables (they would switch modes), no conditions of this run. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('npm_') && !/^(MQTT|CORRELATION)_/.test(k),
    ),
  );
}

function time(name: string, cmd: string, args: string[], cwd: string, runs: number): StartFigures {
  const secs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8' });
    secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
  }
  secs.sort((a, b) => a - b);
  return { name, median: secs[Math.floor(secs.length / 2)]!, min: secs[0]! };
}

export function benchStart(runs: number): StartFigures[] {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-start-'));
  try {
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz)], {
      cwd: dir,
      stdio: 'pipe',
      env: cleanEnv(),
    });
    const bin = join(dir, 'node_modules', 'otelhub', 'bin', 'otelhub.js');
    const node = process.execPath;
    const figures = [
      time('bare node -e 0 (reference)', node, ['-e', '0'], dir, runs),
      time('otelhub --version (package)', node, [bin, '--version'], dir, runs),
      time('otelhub validate, default config (package)', node, [bin, 'validate'], dir, runs),
      time('otelhub --version (sources through tsx)', node, [join(ROOT, 'bin', 'otelhub.js'), '--version'], dir, runs),
      time('otelhub validate (sources through tsx)', node, [join(ROOT, 'bin', 'otelhub.js'), 'validate'], dir, runs),
    ];
    // The shebang path from an older system Node: it re-runs itself on the pinned runtime.
    if (existsSync('/usr/bin/node'))
      figures.push(
        time('otelhub --version (package, from /usr/bin/node)', '/usr/bin/node', [bin, '--version'], dir, runs),
      );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
