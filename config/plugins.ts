// `plugins:` loads modules that export factories: a default export (one factory or a list) and/or a named
// `factories` list. Paths are relative to the config file that lists them; bare names are packages.
//
// TypeScript plugins: Node 26 runs erasable TypeScript itself (type annotations, `import type`), outside
// node_modules. What it cannot strip (enums, parameter properties, namespaces, `.js` specifiers naming `.ts` files,
// TypeScript inside a package) loads through tsx when the user's project has it (`npm install tsx`): the hub
// itself ships compiled JavaScript and does not depend on a TypeScript loader.
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

const TYPESCRIPT = /\.[cm]?ts$/;

async function importPlugin(url: string, baseDir: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if (!TYPESCRIPT.test(url)) throw err;
    const tsx = await tsxLoader(baseDir);
    if (!tsx) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new Error(
        `${why} (Node runs only erasable TypeScript: install tsx next to the config, or compile the plugin)`,
        { cause: err },
      );
    }
    return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

interface TsxApi {
  tsImport(url: string, parent: string): Promise<unknown>;
}

/** tsx's API from the user's project (next to the config), else from otelhub's own (a source checkout has it). */
async function tsxLoader(baseDir: string): Promise<TsxApi | undefined> {
  for (const from of [join(baseDir, 'noop.js'), import.meta.filename]) {
    try {
      return (await import(pathToFileURL(createRequire(from).resolve('tsx/esm/api')).href)) as TsxApi;
    } catch {
      // Not installed there.
    }
  }
  return undefined;
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
      mod = await importPlugin(moduleUrl(spec, baseDir), baseDir);
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
