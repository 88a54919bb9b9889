// Loads collector-style YAML config documents (files, `env:` and `yaml:` URIs, `--set`, see sources.ts): every one is
// parsed and expanded on its own, then they are merged in order (maps merge, anything else is replaced, `a::b` keys
// are paths). Positions are kept per path so later checks, such as schema validation, can point at the line a user
// has to fix.
import { LineCounter, parseDocument } from 'yaml';
import type { Env } from './expand-env.ts';
import { EnvScrubber } from './expand-env.ts';
import type { LocatedIssue, SourceLocation } from './issues.ts';
import { merge, splitKeyPaths } from './merge.ts';
import { isSource, readSource, setSource, type Source } from './sources.ts';
import { buildTree, type LocNode } from './yaml-tree.ts';

export interface LoadedConfig {
  value: Record<string, unknown>;
  files: string[];
  /** Where `path` is defined (in the last file that defines it), else where its deepest defined ancestor is. */
  locate: (path: (string | number)[]) => SourceLocation | undefined;
  /** A message about the config with the environment values and file contents it quotes shown as their references. */
  scrub: (message: string) => string;
  /** The environment variables the value at exactly `path` refers to (`${env:NAME}`, `${NAME}`), set or not. */
  envOf: (path: (string | number)[]) => string[];
}

/** `config` is present exactly when there are no issues. */
export interface LoadResult {
  config?: LoadedConfig;
  issues: LocatedIssue[];
}

/**
 * `uris` are `--config` values (paths or `file:`, `env:`, `yaml:` URIs), merged in order; `sets` are `--set
 * key::path=value` arguments, applied after all of them.
 */
export async function loadConfigFiles(
  uris: string[],
  env: Env = process.env,
  sets: string[] = [],
): Promise<LoadResult> {
  const read = await Promise.all(uris.map((uri) => readSource(uri, env)));
  return loadAll([...read, ...sets.map(setSource)], env);
}

/**
 * Loads a document held in memory (the embedded default config, drop-in mode, tests); `name` stands for the file in
 * issues. `sets` as for loadConfigFiles.
 */
export function loadConfigText(text: string, name: string, env: Env = process.env, sets: string[] = []): LoadResult {
  return loadAll([{ name, text }, ...sets.map(setSource)], env);
}

function loadAll(all: (Source | LocatedIssue)[], env: Env): LoadResult {
  const issues = all.filter((s): s is LocatedIssue => !isSource(s));
  // Parse what could be read anyway, so one run reports every problem.
  const loaded = loadSources(all.filter(isSource), env);
  issues.push(...loaded.issues);
  return issues.length > 0 ? { issues } : loaded;
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
    const tree = buildTree(doc, lineCounter, name, env, (ref, v) => scrubber.note(ref, v));
    issues.push(...tree.issues);
    if (tree.issues.length > 0) continue;
    const split = splitKeyPaths(tree.value, tree.loc);
    const merged = merge(value, root, split.value, split.loc);
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
