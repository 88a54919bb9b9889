// `plugins:` loads modules that export factories: a default export (one factory or a list) and/or a named
// `factories` list. Paths are relative to the config file that lists them; bare names are packages.
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigIssue, Factory } from '../core/component.ts';
import { KINDS } from '../core/component.ts';
import type { Registry } from '../core/registry.ts';

export interface PluginSpec {
  spec: string;
  /** Directory of the config file that lists it. */
  baseDir: string;
  /** Where it is in the config, for issues. */
  path: (string | number)[];
}

function isFactory(x: unknown): x is Factory {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return typeof f.type === 'string' && KINDS.includes(f.kind as Factory['kind']) && typeof f.configSchema === 'object';
}

function moduleUrl(spec: string, baseDir: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(baseDir, spec)).href;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'noop.js')).resolve(spec)).href;
  } catch {
    // ESM-only packages have no `require` entry point: let import() resolve them from here.
    return spec;
  }
}

export function factoriesOf(mod: Record<string, unknown>): unknown[] {
  const found: unknown[] = [];
  const add = (v: unknown): void => {
    if (Array.isArray(v)) found.push(...(v as unknown[]));
    else if (v !== undefined) found.push(v);
  };
  add(mod.default);
  add(mod.factories);
  return found;
}

export async function loadPlugins(specs: readonly PluginSpec[], registry: Registry): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const { spec, baseDir, path } of specs) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(moduleUrl(spec, baseDir))) as Record<string, unknown>;
    } catch (err) {
      issues.push({
        path,
        message: `cannot load plugin "${spec}": ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      });
      continue;
    }
    const list = factoriesOf(mod);
    if (list.length === 0) {
      issues.push({
        path,
        message: `plugin "${spec}" exports no factories (export default a factory or a list, or export const factories)`,
      });
      continue;
    }
    for (const f of list) {
      if (!isFactory(f)) {
        issues.push({
          path,
          message: `plugin "${spec}" exports something that is not a factory (needs kind, type and configSchema)`,
        });
        continue;
      }
      try {
        registry.register(f);
      } catch (err) {
        issues.push({ path, message: `plugin "${spec}": ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }
  return issues;
}
