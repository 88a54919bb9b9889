// Where config documents come from, as the Collector's confmap providers have them: `--config` takes `file:path`,
// `env:NAME` (the variable holds YAML), `yaml:key::path: value` or a plain path; `--set key::path=value` is a `yaml:`
// document applied after every `--config` (the Collector turns it into exactly that).
import { readFile } from 'node:fs/promises';
import type { Env } from './expand-env.ts';
import type { LocatedIssue } from './issues.ts';
import { readError } from './read-error.ts';

export interface Source {
  /** What issues name as the file: the path, `env:NAME`, `yaml:key::path` or `--set key::path` (never a value). */
  name: string;
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// As the Collector recognises a URI: a scheme of two characters or more, so `c:\x.yaml` is a path.
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;
const SCHEMES = 'file:, env: or yaml:';

/** The key path of a one-line `key::path: value` document, to name it without its value (which may be a secret). */
function keyOf(doc: string): string {
  const line = doc.split('\n', 1)[0] ?? '';
  // The first `:` that is not half of a `::`, even without the space YAML wants after it.
  const colon = line.search(/(?<!:):(?!:)/);
  return (colon < 0 ? line : line.slice(0, colon)).trim();
}

/** How issues and print-config name a `--config` value: a `yaml:` one without its value. */
export function sourceName(uri: string): string {
  return uri.startsWith('yaml:') ? `yaml:${keyOf(uri.slice('yaml:'.length))}` : uri;
}

/** How issues and print-config name a `--set`: by its key only. */
export function setName(arg: string): string {
  return `--set ${arg.split('=', 1)[0]?.trim() ?? ''}`;
}

export async function readSource(uri: string, env: Env): Promise<Source | LocatedIssue> {
  const scheme = SCHEME.exec(uri)?.[1];
  if (scheme === undefined || scheme === 'file') {
    const path = scheme === undefined ? uri : uri.slice('file:'.length);
    if (path === '') return { path: [], message: `missing file path in --config "${uri}"` };
    try {
      return { name: path, text: await readFile(path, 'utf8') };
    } catch (err) {
      return { path: [], message: `cannot read config file "${path}": ${readError(err)}` };
    }
  }
  if (scheme === 'env') {
    const name = uri.slice('env:'.length);
    if (!NAME.test(name)) {
      return {
        path: [],
        message: `invalid environment variable name in --config "${uri}" (expected env:NAME, NAME being letters, digits and _)`,
      };
    }
    const text = env[name];
    // The Collector reads an unset variable as an empty config; otelhub refuses, as it does for `${env:NAME}`.
    if (text === undefined)
      return { path: [], message: `environment variable "${name}" of --config "${uri}" is not set` };
    return { name: uri, text };
  }
  if (scheme === 'yaml') {
    return { name: sourceName(uri), text: uri.slice('yaml:'.length) };
  }
  return { path: [], message: `unsupported scheme "${scheme}" in --config "${uri}" (expected ${SCHEMES} or a path)` };
}

/**
 * `--set key::path=value`: the value typed as YAML would type it. The Collector reads `.` in the key as `::` too
 * (`--set processors.batch.timeout=2s`, the example of its own help), so a key holding a dot cannot be set this way
 * there either: use `yaml:` for one.
 */
export function setSource(arg: string): Source | LocatedIssue {
  const eq = arg.indexOf('=');
  // The argument is quoted only when it holds no value: a value may be a secret.
  if (eq < 0) return { path: [], message: `--set "${arg}": missing equal sign (expected --set key::path=value)` };
  const key = arg.slice(0, eq).trim().replaceAll('.', '::');
  if (key === '') return { path: [], message: '--set: missing key before "=" (expected --set key::path=value)' };
  if (key.split('::').some((k) => k === '')) {
    return { path: [], message: `${setName(arg)}: empty key in the path (expected --set key::path=value)` };
  }
  return { name: setName(arg), text: `${key}: ${arg.slice(eq + 1).trim()}` };
}

export function isSource(s: Source | LocatedIssue): s is Source {
  return 'text' in s;
}
