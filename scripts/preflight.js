#!/usr/bin/env node
// First step of `npm test`: npm runs scripts with node_modules/.bin first on PATH, so `node` here is the pinned
// runtime when it is installed. Say which Node the run uses, and stop with the remedy when it is not the supported one.
import { isSupported, unsupportedMessage } from '../bin/node-check.js';

if (!isSupported()) {
  process.stderr.write(unsupportedMessage('otelhub'));
  process.exit(1);
}
process.stdout.write(`otelhub: running on Node ${process.version} (${process.execPath})\n`);
