// Loads collector-style YAML config files: every file is parsed and expanded on its own, then the files are merged
// in order (maps merge, anything else is replaced). Positions are kept per path so later checks, such as schema
// validation, can point at the line a user has to fix.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { Env } from './expand-env.ts';
import { EnvScrubber } from './expand-env.ts';
import type { LocatedIssue, SourceLocation } from './issues.ts';
import { buildTree, type LocNode } from './yaml-tree.ts';

export interface LoadedConfig {
  value: Record<string, unknown>;
  files: string[];
  /** Where `path` is defined (in the last file that defines it), else where its deepest defined ancestor is. */
  locate: (path: (string | number)[]) => SourceLocation | undefined;
  /** A message about the config with the environment values it quotes shown as their `${env:NAME}` instead. */
  scrub: (message: string) => string;
  /** The environment variables the value at exactly `path` refers to (`${env:NAME}`), set or not. */
  envOf: (path: (string | number)[]) => string[];
}

/** `config` is present exactly when there are no issues. */
export interface LoadResult {
  config?: LoadedConfig;
  issues: LocatedIssue[];
}

interface Source {
  name: string;
  text: string;
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

export async function loadConfigFiles(paths: string[], env: Env = process.env): Promise<LoadResult> {
  const issues: LocatedIssue[] = [];
  const sources: Source[] = [];
  for (const file of paths) {
    try {
      sources.push({ name: file, text: await readFile(file, 'utf8') });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const reason = READ_ERRORS[code] ?? (err instanceof Error ? err.message : String(err));
      issues.push({ path: [], message: `cannot read config file "${file}": ${reason}` });
    }
  }
  // Parse what could be read anyway, so one run reports every problem.
  const loaded = loadSources(sources, env);
  issues.push(...loaded.issues);
  return issues.length > 0 ? { issues } : loaded;
}

/** Loads a document held in memory (the embedded default config, tests); `name` stands for the file in issues. */
export function loadConfigText(text: string, name: string, env: Env = process.env): LoadResult {
  return loadSources([{ name, text }], env);
}

function loadSources(sources: Source[], env: Env): LoadResult {
  const issues: LocatedIssue[] = [];
  const scrubber = new EnvScrubber();
  let value: Record<string, unknown> = {};
  let root: LocNode | undefined;
  for (const { name, text } of sources) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        issues.push({ path: [], message: parseMessage(e.message), location: { file: name, line, column: col } });
      }
      continue;
    }
    const tree = buildTree(doc, lineCounter, name, env, (n, v) => scrubber.note(n, v));
    issues.push(...tree.issues);
    if (tree.issues.length > 0) continue;
    const merged = merge(value, root, tree.value, tree.loc);
    value = merged.value as Record<string, unknown>;
    root = merged.loc;
  }
  if (issues.length > 0) return { issues };
  const finalRoot = root;
  return {
    config: {
      value,
      files: sources.map((s) => s.name),
      locate: (path) => locate(finalRoot, path),
      envOf: (path) => nodeAt(finalRoot, path)?.env ?? [],
      scrub: (message) => scrubber.scrub(message),
    },
    issues,
  };
}

/**
 * The `yaml` package quotes the source around an error, and that line may hold a secret: keep the first line only,
 * and drop the position, which the issue carries separately.
 */
export function parseMessage(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  return first
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .replace(/(Block scalar header includes extra characters):.*$/, '$1');
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(a: unknown, aLoc: LocNode | undefined, b: unknown, bLoc: LocNode): { value: unknown; loc: LocNode } {
  if (!isMap(a) || !isMap(b) || !aLoc?.children || !bLoc.children) return { value: b, loc: bLoc };
  const children = new Map(aLoc.children);
  for (const key of Object.keys(b)) {
    const bChildLoc = bLoc.children.get(key);
    if (!bChildLoc) continue;
    const m = Object.hasOwn(a, key)
      ? merge(a[key], aLoc.children.get(key), b[key], bChildLoc)
      : { value: b[key], loc: bChildLoc };
    // defineProperty, as `a[key] = ` with key `__proto__` would change the object's prototype instead.
    Object.defineProperty(a, key, { value: m.value, enumerable: true, writable: true, configurable: true });
    children.set(key, m.loc);
  }
  return { value: a, loc: { loc: bLoc.loc, children } };
}

function childOf(node: LocNode | undefined, seg: string | number): LocNode | undefined {
  return node?.children?.get(seg) ?? node?.children?.get(typeof seg === 'number' ? String(seg) : Number(seg));
}

function locate(root: LocNode | undefined, path: (string | number)[]): SourceLocation | undefined {
  let node = root;
  for (const seg of path) {
    const child = childOf(node, seg);
    if (!child) break;
    node = child;
  }
  return node?.loc;
}

function nodeAt(root: LocNode | undefined, path: (string | number)[]): LocNode | undefined {
  let node = root;
  for (const seg of path) node = childOf(node, seg);
  return node;
}
