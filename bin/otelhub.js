#!/usr/bin/env node
// otelhub runs its TypeScript sources through tsx (a runtime dependency), so there is no build step.
import { register } from 'tsx/esm/api';

register();
// `otelhub components | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { cli } = await import('../cli/main.ts');
process.exitCode = await cli(process.argv.slice(2));
// Anything still holding the event loop after a clean shutdown (a stuck socket) must not keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
