// Turns ajv's errors into one message per real problem, worded for someone editing YAML. Messages never quote the
// value found (it may be a secret); they only quote keys and what the schema allows.
import type { ErrorObject } from 'ajv';
import { suggest } from './suggest.ts';

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

const MAX_LISTED_KEYS = 12;
const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'a map',
  array: 'a list',
  null: 'null',
};

function typeList(types: string[]): string {
  const words = [...new Set(types)].map((t) => ARTICLE[t] ?? t);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

function typesOf(e: ErrorObject): string[] {
  const t: unknown = e.params.type;
  if (Array.isArray(t)) return t.map(String);
  return String(t).split(',');
}

function shownValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Keys are path segments, list indices numbers: which is which only the data can tell. */
function toPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let cur = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      path.push(seg);
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

// A branch of anyOf/oneOf failing on its type (or enum/const) at the value itself is one the user did not mean.
const SHAPE_KEYWORDS = new Set(['type', 'enum', 'const', 'duration']);

/**
 * Replaces each failed anyOf/oneOf and the errors of all its branches with the errors of the branch the user most
 * likely meant, or one "must be X or Y" when the value's shape matches no branch. ajv pushes a combinator's branch
 * errors just before its own, so inner combinators are folded before outer ones.
 */
function foldCombinators(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    // oneOf failing because several branches matched has no branch errors to fold.
    if ((e.keyword !== 'anyOf' && e.keyword !== 'oneOf') || Array.isArray(e.params.passingSchemas)) {
      out.push(e);
      continue;
    }
    const prefix = `${e.schemaPath}/`;
    let first = out.length;
    while (first > 0 && (out[first - 1] as ErrorObject).schemaPath.startsWith(prefix)) first--;
    const branches = new Map<string, ErrorObject[]>();
    for (const b of out.splice(first)) {
      const index = b.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(index, [...(branches.get(index) ?? []), b]);
    }
    const fits = (errs: ErrorObject[]): boolean =>
      !errs.some((b) => b.instancePath === e.instancePath && SHAPE_KEYWORDS.has(b.keyword));
    const candidates = [...branches.values()].filter(fits).sort((a, b) => a.length - b.length);
    const best = candidates[0];
    if (best) {
      out.push(...best);
      continue;
    }
    const all = [...branches.values()].flat().filter((b) => b.instancePath === e.instancePath);
    if (all.length > 0 && all.every((b) => b.keyword === 'type')) {
      out.push({
        ...all[0],
        keyword: 'type',
        schemaPath: e.schemaPath,
        params: { type: all.flatMap(typesOf) },
      } as ErrorObject);
    } else {
      out.push({ ...e, message: 'does not match any of the allowed forms' });
    }
  }
  return out;
}

function describe(e: ErrorObject, data: unknown): SchemaIssue {
  const path = toPath(e.instancePath, data);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const props: unknown = (e.parentSchema as { properties?: unknown } | undefined)?.properties;
      const known = typeof props === 'object' && props !== null ? Object.keys(props) : [];
      const close = suggest(key, known);
      let hint = '';
      if (close) hint = ` (did you mean "${close}"?)`;
      else if (known.length > 0 && known.length <= MAX_LISTED_KEYS) hint = ` (valid keys: ${known.join(', ')})`;
      return { path: [...path, key], message: `unknown key "${key}"${hint}` };
    }
    case 'required':
      return { path: [...path, String(e.params.missingProperty)], message: 'is required' };
    case 'enum':
      return { path, message: `must be one of: ${(e.params.allowedValues as unknown[]).map(shownValue).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'type':
      return { path, message: `must be ${typeList(typesOf(e))}` };
    case 'minProperties': {
      const n = Number(e.params.limit);
      return { path, message: `must have at least ${n} ${n === 1 ? 'entry' : 'entries'}` };
    }
    case 'minItems': {
      const n = Number(e.params.limit);
      return { path, message: `must list at least ${n} ${n === 1 ? 'item' : 'items'}` };
    }
    default:
      if (e.propertyName !== undefined) {
        // Inside propertyNames: the problem is the key itself.
        return { path: [...path, e.propertyName], message: `key ${e.message ?? 'is invalid'}` };
      }
      return { path, message: e.message ?? 'is invalid' };
  }
}

/** `data` is the validated value, used to tell list indices from keys. */
export function schemaIssues(errors: readonly ErrorObject[], data: unknown): SchemaIssue[] {
  // `if` only repeats that its then/else failed; propertyNames that one of the keys did.
  const kept = foldCombinators(errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames'));
  // A value of the wrong type makes its other checks meaningless.
  const wrongType = new Set(kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const e of kept) {
    if (wrongType.has(e.instancePath) && e.keyword !== 'type') continue;
    const issue = describe(e, data);
    const id = JSON.stringify([issue.path, issue.message]);
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}
