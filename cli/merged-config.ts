// The merged configuration as print-config prints it for config files: `${...}` expanded, values their component
// marks sensitive and passwords in URLs redacted, relative plugin paths made absolute. Also what the console shows
// (cli/hub.ts), whatever the config came from. Kept apart from print-config.ts, which imports hub.ts.
import { dirname, isAbsolute, resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseId } from '../core/component.ts';
import type { LogLevel } from '../core/logger.ts';
import type { Registry } from '../core/registry.ts';
import { SECTIONS } from '../config/hub-config.ts';
import type { LoadedConfig } from '../config/load.ts';
import { redact } from '../config/redact.ts';
import { setName, sourceName } from '../config/sources.ts';

export const LEVEL_PATH = ['service', 'telemetry', 'logs', 'level'] as const;

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

/** Sets service.telemetry.logs.level in the printable copy (the caller's own), creating the maps on the way. */
function setLogLevel(value: Record<string, unknown>, level: LogLevel): void {
  let at = value;
  for (const key of LEVEL_PATH.slice(0, -1)) {
    const next = at[key];
    at = isMap(next) ? next : (at[key] = {});
  }
  at.level = level;
}

/** Where the config came from and the level --log-level sets, as HubOptions has them. */
export interface MergedSources {
  configText?: { name: string };
  configFiles?: string[];
  sets?: string[];
  logLevel?: LogLevel;
}

/** The merged document with a header naming its sources, sensitive values redacted. */
export function mergedText(loaded: LoadedConfig, registry: Registry, opts: MergedSources): string {
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
  const value = printable(loaded, registry);
  if (opts.logLevel) {
    setLogLevel(value, opts.logLevel);
    header.push('# service.telemetry.logs.level: --log-level');
  }
  return `${header.join('\n')}\n${stringify(value, { lineWidth: 0 })}`;
}
