#!/usr/bin/env node
// The otelhub command. The shebang finds whatever `node` is on PATH; outside npm scripts that may be an older
// system Node. Then: re-run on the pinned runtime when it is installed (linux x64), else say what is needed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { missingHubEnv, missingNodeFlags, runsTheHub } from './node-flags.js';
import { isSupported, pinnedNode, unsupportedMessage } from './node-check.js';

const script = fileURLToPath(import.meta.url);

if (!isSupported()) {
  const runtime = pinnedNode();
  if (runtime === undefined || process.env.OTELHUB_REEXEC === '1') {
    process.stderr.write(unsupportedMessage('otelhub'));
    process.exit(1);
  }
  const hub = runsTheHub(process.argv.slice(2));
  const flags = hub ? missingNodeFlags([]) : [];
  const child = spawn(runtime, [...flags, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...(hub ? missingHubEnv() : {}), OTELHUB_REEXEC: '1' },
  });
  // Ctrl-C reaches the child through the terminal's process group; forwarding SIGINT too would be a second signal,
  // which the hub takes as "exit without draining". Signals sent to this process alone are passed on.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else if (
  runsTheHub(process.argv.slice(2)) &&
  (missingNodeFlags().length > 0 || Object.keys(missingHubEnv()).length > 0) &&
  typeof process.execve === 'function' &&
  !process.env.OTELHUB_FLAGS_SET
) {
  // The heap flags and the allocator's environment (node-flags.js) take effect only at start: this process becomes
  // the same command with them (same PID, so signals and the container runtime are unaffected). OTELHUB_FLAGS_SET
  // stops a second round whatever happens.
  process.execve(
    process.execPath,
    [process.execPath, ...missingNodeFlags(), ...process.execArgv, script, ...process.argv.slice(2)],
    { ...process.env, ...missingHubEnv(), OTELHUB_FLAGS_SET: '1' },
  );
} else {
  // `otelhub components | head` closes stdout early: that is not an error worth a stack trace.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // A source checkout runs its TypeScript through tsx (a dev dependency); the package and the image carry the
  // compiled JavaScript in dist/ and no sources.
  const fromSource = existsSync(new URL('../cli/main.ts', import.meta.url));
  if (fromSource) {
    (await import('tsx/esm/api')).register();
    // Plugins import 'otelhub': in a checkout that is the sources (package.json exports, condition otelhub-source).
    const { registerHooks } = await import('node:module');
    registerHooks({
      resolve: (specifier, context, next) =>
        next(specifier, { ...context, conditions: [...context.conditions, 'otelhub-source'] }),
    });
  }
  const { cli } = await import(fromSource ? '../cli/main.ts' : '../dist/cli/main.js');
  process.exitCode = await cli(process.argv.slice(2));
  // Anything still holding the event loop after a clean shutdown (a stuck socket) must not keep the process alive.
  setTimeout(() => process.exit(), 1000).unref();
}
