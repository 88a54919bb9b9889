// `otelhub print-config`: the YAML the hub would run with the same arguments and environment. A config given as text
// (the embedded default, drop-in mode) is printed as it is, comments included, unless --set changes it; config files
// and URIs are printed as the merged document the hub runs: `${env:...}`, `${file:...}` expanded (the files alone cannot show what several merge into) and
// values their component marks sensitive redacted, since the output ends up in terminals, tickets and files. Either
// way --log-level, which the hub applies over service.telemetry.logs.level, is written into the printed level.
import { dirname, isAbsolute, resolve } from 'node:path';
import { isScalar, parseDocument, stringify } from 'yaml';
import { parseId } from '../core/component.ts';
import type { LogLevel } from '../core/logger.ts';
import type { Registry } from '../core/registry.ts';
import { SECTIONS } from '../config/hub-config.ts';
import { ConfigError } from '../config/issues.ts';
import type { LoadedConfig } from '../config/load.ts';
import { redact } from '../config/redact.ts';
import { setName, sourceName } from '../config/sources.ts';
import type { HubOptions } from './hub.ts';
import { loadHubConfig } from './hub.ts';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy with every `$` doubled, so loading the printed text gives back the same strings. */
function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', () => '$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  // defineProperty, as `out[key] = ` with key `__proto__` would change the object's prototype instead.
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(out, k, { value: escapeDollars(x), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The merged config with sensitive values redacted and relative plugin paths made absolute (they were relative to
 * the file that listed them, which the printed text no longer is). */
function printable(loaded: LoadedConfig, registry: Registry): Record<string, unknown> {
  const out: Record<string, unknown> = { ...loaded.value };
  for (const [section, kind] of Object.entries(SECTIONS)) {
    const components = out[section];
    if (!isMap(components)) continue;
    const copy: Record<string, unknown> = {};
    for (const [id, cfg] of Object.entries(components)) {
      const f = registry.get(kind, parseId(id).type);
      Object.defineProperty(copy, id, {
        value: f ? redact(cfg, f.configSchema) : cfg,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out[section] = copy;
  }
  if (Array.isArray(out.plugins)) {
    out.plugins = out.plugins.map((spec: unknown, i) => {
      const file = loaded.locate(['plugins', i])?.file;
      const relative = typeof spec === 'string' && spec.startsWith('.') && !isAbsolute(spec);
      return relative && file ? resolve(dirname(file), spec) : spec;
    });
  }
  return escapeDollars(out) as Record<string, unknown>;
}

const LEVEL_PATH = ['service', 'telemetry', 'logs', 'level'] as const;

/**
 * `text` with service.telemetry.logs.level set to `level`. Where the level is a block value on its own line (the
 * drop-in config) only that value and its comment change, keeping every other comment and alignment; otherwise it is
 * set through the YAML document, which keeps comments but re-renders the layout.
 */
function withLogLevel(text: string, level: LogLevel): string {
  const doc = parseDocument(text);
  const node = doc.getIn(LEVEL_PATH, true);
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    const eol = text.indexOf('\n', end);
    const lineEnd = eol < 0 ? text.length : eol;
    const rest = text.slice(end, lineEnd);
    if (/^\s*(#.*)?$/.test(rest)) {
      const commentAt = rest.indexOf('#') < 0 ? 0 : end - start + rest.indexOf('#');
      return `${text.slice(0, start)}${level.padEnd(Math.max(commentAt, level.length + 2))}# --log-level${text.slice(lineEnd)}`;
    }
  }
  doc.setIn(LEVEL_PATH, level);
  return `# service.telemetry.logs.level: --log-level\n${String(doc)}`;
}

/** Sets service.telemetry.logs.level in the printable copy (the caller's own), creating the maps on the way. */
function setLogLevel(value: Record<string, unknown>, level: LogLevel): void {
  let at = value;
  for (const key of LEVEL_PATH.slice(0, -1)) {
    const next = at[key];
    at = isMap(next) ? next : (at[key] = {});
  }
  at.level = level;
}

/** The text `otelhub` would run with `opts`; throws ConfigError when it would refuse to. */
export async function printConfig(opts: HubOptions): Promise<string> {
  const sets = opts.sets ?? [];
  if (opts.configText && sets.length === 0) {
    const r = await loadHubConfig(opts);
    if (!r.config || !r.loaded) throw new ConfigError(r.issues);
    return opts.logLevel ? withLogLevel(opts.configText.text, opts.logLevel) : opts.configText.text;
  }
  return printMerged(opts);
}

/**
 * The merged document with sensitive values redacted, whatever the config came from: what the console shows, where
 * a config given as text (which print-config prints as it is) may hold a secret written in plain.
 */
export async function printMerged(opts: HubOptions): Promise<string> {
  const r = await loadHubConfig(opts);
  if (!r.config || !r.loaded) throw new ConfigError(r.issues);
  const sets = opts.sets ?? [];
  // A yaml: URI and a --set are named by their key only: the value may be a secret.
  const from = [
    ...(opts.configText ? [opts.configText.name] : (opts.configFiles ?? []).map(sourceName)),
    ...sets.map(setName),
  ];
  const header = [
    `# The configuration otelhub runs from ${from.join(', ')}:`,
    '# merged in that order, ${...} references expanded, and values marked sensitive and passwords in URLs shown as',
    '# [REDACTED] (put them back, as ${env:...} references for instance, before running this text).',
  ];
  const value = printable(r.loaded, r.registry);
  if (opts.logLevel) {
    setLogLevel(value, opts.logLevel);
    header.push('# service.telemetry.logs.level: --log-level');
  }
  return `${header.join('\n')}\n${stringify(value, { lineWidth: 0 })}`;
}
