// `otelhub print-config`: the YAML the hub would run with the same arguments and environment. A config given as text
// (the embedded default, drop-in mode) is printed as it is, comments included; config files are printed as the
// merged document the hub runs: `${env:...}` expanded (the files alone cannot show what several merge into) and
// values their component marks sensitive redacted, since the output ends up in terminals, tickets and files.
import { dirname, isAbsolute, resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseId } from '../core/component.ts';
import type { Registry } from '../core/registry.ts';
import { SECTIONS } from '../config/hub-config.ts';
import { ConfigError } from '../config/issues.ts';
import type { LoadedConfig } from '../config/load.ts';
import { redact } from '../config/redact.ts';
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
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: escapeDollars(x), enumerable: true, writable: true, configurable: true });
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
      Object.defineProperty(copy, id, { value: f ? redact(cfg, f.configSchema) : cfg, enumerable: true, writable: true, configurable: true });
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

/** The text `otelhub` would run with `opts`; throws ConfigError when it would refuse to. */
export async function printConfig(opts: HubOptions): Promise<string> {
  const r = await loadHubConfig(opts);
  if (!r.config || !r.loaded) throw new ConfigError(r.issues);
  if (opts.configText) return opts.configText.text;
  const files = opts.configFiles ?? [];
  const header = [
    `# The configuration otelhub runs from ${files.join(', ')}: the files merged, \${env:...} references expanded,`,
    '# and values marked sensitive shown as [REDACTED] (put them back, as ${env:...} references for instance, before',
    '# running this text).',
  ];
  return `${header.join('\n')}\n${stringify(printable(r.loaded, r.registry), { lineWidth: 0 })}`;
}
