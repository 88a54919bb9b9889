// `${env:NAME}`, `${NAME}` (the Collector's default scheme is env) and `${file:path}` expansion as in the Collector's
// config files. Environment values and file contents may be secrets: they are never put into a message, only the
// variable's name or the file's path and the reference as written in the file.
import { readFileSync } from 'node:fs';
import { isScalar, parseDocument } from 'yaml';
import { readError } from './read-error.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SYNTAX = 'expected ${env:NAME}, ${NAME}, ${env:NAME:-default} or ${file:path}';

/** The reference as written, shortened: an unterminated one runs to the end of a value that may be long. */
function shown(ref: string): string {
  return ref.length > 40 ? `${ref.slice(0, 40)}…` : ref;
}

/**
 * Expands every reference in `text`. With `typed`, a value made of exactly one reference is read as a YAML scalar, so
 * `port: ${env:PORT}` gives a number as `port: 4317` would.
 */
export function expandEnv(
  text: string,
  env: Env,
  typed: boolean,
  /**
   * Told each value taken from the environment or a file (not a default written in the config), with its reference
   * (`${env:NAME}`, `${file:path}`).
   */
  used?: (ref: string, value: string) => void,
): { value: unknown; errors: string[] } {
  if (!text.includes('$')) return { value: text, errors: [] };
  const errors: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const d = text.indexOf('$', i);
    if (d < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, d);
    const next = text[d + 1];
    if (next === '$') {
      out += '$';
      i = d + 2;
      continue;
    }
    if (next !== '{') {
      // `$VAR` is not expanded: in the Collector it is deprecated, and silently expanding it would surprise a user.
      out += '$';
      i = d + 1;
      continue;
    }
    const end = text.indexOf('}', d + 2);
    if (end < 0) {
      errors.push(`unterminated reference "${shown(text.slice(d))}" (${SYNTAX})`);
      break;
    }
    const ref = text.slice(d, end + 1);
    const resolved = resolve(ref, text.slice(d + 2, end), env, used);
    if (typeof resolved === 'string') out += resolved;
    else errors.push(resolved.error);
    if (typed && d === 0 && end === text.length - 1 && typeof resolved === 'string') {
      // As the Collector reads a whole-value reference as YAML: 4317 is a number, "s3cret\n" stays as it is.
      return { value: asScalar(resolved), errors };
    }
    i = end + 1;
  }
  return { value: out, errors };
}

function resolve(
  ref: string,
  body: string,
  env: Env,
  used: ((ref: string, value: string) => void) | undefined,
): string | { error: string } {
  if (body.startsWith('file:')) return readReferencedFile(ref, body.slice('file:'.length), used);
  // `${NAME}` and `${NAME:-default}` are `${env:...}`, the Collector's default scheme; another scheme is refused.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(?!-)/.exec(body)?.[1];
  if (scheme !== undefined && scheme !== 'env') {
    return { error: `unsupported scheme "${scheme}" in "${shown(ref)}" (${SYNTAX})` };
  }
  const spec = body.startsWith('env:') ? body.slice('env:'.length) : body;
  const sep = spec.indexOf(':-');
  const name = sep < 0 ? spec : spec.slice(0, sep);
  if (name === '') return { error: `missing variable name in "${shown(ref)}" (${SYNTAX})` };
  if (!NAME.test(name)) {
    return {
      error: `invalid environment variable name in "${shown(ref)}" (${SYNTAX}, NAME being letters, digits and _)`,
    };
  }
  const value = env[name];
  if (sep >= 0) {
    const fallback = spec.slice(sep + 2);
    // The first `}` ends the reference, so a nested one would leave a stray `}` in the value.
    if (fallback.includes('${')) return { error: `nested references are not supported in "${shown(ref)}"` };
    if (value === undefined || value === '') return fallback;
    used?.(`\${env:${name}}`, value);
    return value;
  }
  if (value === undefined) {
    return { error: `environment variable "${name}" is not set (use \${env:${name}:-default} to give a default)` };
  }
  used?.(`\${env:${name}}`, value);
  return value;
}

/**
 * The file's content as it is, as the Collector's file provider gives it: a trailing newline is kept (write the file
 * with `printf` rather than `echo` when it matters). A relative path is from the working directory, as there.
 */
function readReferencedFile(
  ref: string,
  path: string,
  used: ((ref: string, value: string) => void) | undefined,
): string | { error: string } {
  if (path === '') return { error: `missing file path in "${shown(ref)}" (${SYNTAX})` };
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    return { error: `cannot read file "${path}" in "${shown(ref)}": ${readError(err)}` };
  }
  used?.(`\${file:${path}}`, content);
  // A message may quote the value without its newline (a header validator, say).
  if (content.trimEnd() !== content) used?.(`\${file:${path}}`, content.trimEnd());
  return content;
}

/**
 * Keeps environment values out of messages about the config (a validator quoting the value it refuses): a value that
 * came from a variable is shown as the reference instead, wherever it appears in the message when it is long enough
 * to be a secret (6 characters), and only as a whole quoted value when shorter, so that `1` or `true` do not garble
 * the rest of a message.
 */
const SECRET_LENGTH = 6;

// A listening or destination address is no secret, and masking it made logs say where the hub listens as
// `http://${env:OTELHUB_METRICS_HOST}:8888` (with 0.0.0.0 set in the image).
const PLAIN_ADDRESS = /^(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]*\]|::)(?::\d{1,5})?$/;

export class EnvScrubber {
  private readonly names = new Map<string, string>();

  /** `ref` is how the value is shown instead: `${env:NAME}`, `${file:path}`. */
  note(ref: string, value: string): void {
    if (PLAIN_ADDRESS.test(value)) return;
    this.names.set(value, ref);
  }

  scrub(message: string): string {
    let out = message;
    for (const [value, ref] of this.names) {
      out = value.length >= SECRET_LENGTH ? out.split(value).join(ref) : out.split(`"${value}"`).join(`"${ref}"`);
    }
    return out;
  }
}

/** Numbers, booleans and null as YAML reads them; anything else stays the text it was. */
function asScalar(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isScalar(doc.contents)) return text;
  const v = doc.contents.value;
  if (typeof v === 'boolean' || v === null) return v;
  // Integers beyond 2^53 would silently change (an ID, a port range typo): keep them as written.
  if (typeof v === 'number' && !(Number.isInteger(v) && !Number.isSafeInteger(v))) return v;
  return text;
}
