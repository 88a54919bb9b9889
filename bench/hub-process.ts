// A hub in a process of its own, compiled (dist/, as the package and the image ship it), not through tsx, whose
// loader alone adds tens of MiB to a process's RSS; and what the kernel says about a process of the bench's: its peak
// RSS (VmHWM) and its CPU time (utime + stime), both its own, not the bench process's.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { missingHubEnv, missingNodeFlags } from '../bin/node-flags.js';

export function buildDist(): void {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
}

/** The process's peak resident set (VmHWM), in bytes. */
export function peakRssOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) the process used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": state is the 3rd field, utime the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export interface HubProcess {
  child: ChildProcess;
  /** The Node flags the hub was started with. */
  flags: string[];
  /** When it was spawned (process.hrtime.bigint()). */
  spawned: bigint;
  /** Resolves when the hub exits on its own (never before stop()). */
  exited: Promise<never>;
  stop(): Promise<void>;
}

/**
 * Starts the compiled hub (run `buildDist` first) with `configYaml` at log level info; each line it logs is given to
 * `onLine`. BENCH_HUB_NODE_OPTIONS: Node and V8 flags for the hub alone (heap limits, --trace-gc, --cpu-prof ...),
 * given on its command line (NODE_OPTIONS refuses some of them), not to the bench process. The flags bin/otelhub.js
 * starts the hub with (bin/node-flags.js) come first, unless these set the same ones, and so does its environment
 * (MALLOC_ARENA_MAX); OTELHUB_NODE_FLAGS=none leaves them out, as it does for bin/otelhub.js.
 */
export function spawnCompiledHub(configYaml: string, onLine: (line: string) => void): HubProcess {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-bench-'));
  const config = join(dir, 'hub.yaml');
  writeFileSync(config, configYaml);
  const runner = join(dir, 'run-compiled.mjs');
  writeFileSync(
    runner,
    `const { cli } = await import(${JSON.stringify(new URL('../dist/cli/main.js', import.meta.url).href)});\n` +
      'process.exitCode = await cli(process.argv.slice(2));\n',
  );
  const own = process.env.BENCH_HUB_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];
  const flags = [...missingNodeFlags(own, { ...process.env, NODE_OPTIONS: '' }), ...own];
  const child = spawn(process.execPath, [...flags, runner, '--config', config, '--log-level', 'info'], {
    stdio: ['ignore', process.env.BENCH_HUB_STDOUT ? 'inherit' : 'ignore', 'pipe'],
    env: { ...process.env, ...missingHubEnv() },
  });
  const spawned = process.hrtime.bigint();
  createInterface({ input: child.stderr }).on('line', onLine);
  let stopping = false;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`the hub exited early (${signal ?? `code ${code}`})`));
    }),
  );
  exited.catch(() => {});
  return {
    child,
    flags,
    spawned,
    exited,
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
