// The action entries the `attributes` and `resource` processors share (the Collector's attraction package): their
// schema, the checks the schema cannot express, with the messages pointing at the entry and key at fault, and
// their compiled form.
import type { ConfigIssue, ConfigSchema } from '../../../core/component.ts';
import type { AnyValue } from '../../../core/pdata/index.ts';
import { fromContextProblem } from './from-context.ts';
import { compileGoRegexp } from './go-regexp.ts';
import type { ConvertedType } from './values.ts';
import { configValue } from './values.ts';

export const ACTIONS = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'] as const;
export type ActionName = (typeof ACTIONS)[number];
export const CONVERTED_TYPES: readonly ConvertedType[] = ['int', 'double', 'string'];

/** One entry as written (after schema validation). */
export interface ActionConfig {
  key?: string;
  value?: unknown;
  from_attribute?: string;
  from_context?: string;
  pattern?: string;
  converted_type?: string;
  /** Case-insensitive, as in the Collector. */
  action: string;
}

/** The schema of one entry; `value` is any YAML value (its type becomes the attribute's type). */
export const actionSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    key: { type: 'string' },
    value: {},
    from_attribute: { type: 'string' },
    from_context: { type: 'string' },
    pattern: { type: 'string' },
    converted_type: { type: 'string' },
    action: { type: 'string' },
  },
};

/** A list of entries, at least one (an empty list would do nothing, which is a mistake in a config). */
export const actionListSchema: ConfigSchema = { type: 'array', minItems: 1, items: actionSchema };

export type ValueSource = { value: AnyValue } | { fromAttribute: string } | { fromContext: string };

export type Action =
  | { kind: 'insert' | 'update' | 'upsert'; key: string; source: ValueSource }
  | { kind: 'delete' | 'hash'; key: string | undefined; pattern: RegExp | undefined }
  | { kind: 'extract'; key: string; pattern: RegExp; names: string[] }
  | { kind: 'convert'; key: string; to: ConvertedType };

const isSet = (s: string | undefined): s is string => s !== undefined && s !== '';
const hasValue = (a: ActionConfig): boolean => a.value !== undefined && a.value !== null;

function sources(a: ActionConfig): ('value' | 'from_attribute' | 'from_context')[] {
  const out: ('value' | 'from_attribute' | 'from_context')[] = [];
  if (hasValue(a)) out.push('value');
  if (isSet(a.from_attribute)) out.push('from_attribute');
  if (isSet(a.from_context)) out.push('from_context');
  return out;
}

type Check = (a: ActionConfig, name: ActionName, issue: (field: string | undefined, message: string) => void) => void;

const notUsed =
  (fields: readonly (keyof ActionConfig)[]): Check =>
  (a, name, issue) => {
    for (const f of fields) {
      const v = a[f];
      if (v !== undefined && v !== null && v !== '') issue(f, `is not used by action "${name}"; remove it`);
    }
  };

const needsKey: Check = (a, name, issue) => {
  if (!isSet(a.key)) issue('key', `is required for action "${name}"`);
};

const compiles: Check = (a, _name, issue) => {
  if (!isSet(a.pattern)) return;
  const r = compileGoRegexp(a.pattern);
  if (!r.ok) issue('pattern', `does not compile: ${r.message}`);
};

const CHECKS: Readonly<Record<ActionName, readonly Check[]>> = {
  insert: [needsKey, valueSource, notUsed(['pattern', 'converted_type'])],
  update: [needsKey, valueSource, notUsed(['pattern', 'converted_type'])],
  upsert: [needsKey, valueSource, notUsed(['pattern', 'converted_type'])],
  delete: [keyOrPattern, compiles, notUsed(['value', 'from_attribute', 'from_context', 'converted_type'])],
  hash: [keyOrPattern, compiles, notUsed(['value', 'from_attribute', 'from_context', 'converted_type'])],
  extract: [needsKey, extractPattern, notUsed(['value', 'from_attribute', 'from_context', 'converted_type'])],
  convert: [needsKey, convertedType, notUsed(['value', 'from_attribute', 'from_context', 'pattern'])],
};

function valueSource(a: ActionConfig, name: ActionName, issue: (f: string | undefined, m: string) => void): void {
  const s = sources(a);
  if (s.length === 0) issue(undefined, `action "${name}" needs one of value, from_attribute or from_context`);
  else if (s.length > 1) issue(s[1], `is a second value source beside ${s[0]}; set only one`);
  const problem = isSet(a.from_context) ? fromContextProblem(a.from_context) : undefined;
  if (problem) issue('from_context', problem);
}

function keyOrPattern(a: ActionConfig, name: ActionName, issue: (f: string | undefined, m: string) => void): void {
  if (!isSet(a.key) && !isSet(a.pattern)) issue(undefined, `action "${name}" needs key, pattern or both`);
}

function extractPattern(a: ActionConfig, _n: ActionName, issue: (f: string | undefined, m: string) => void): void {
  if (!isSet(a.pattern)) return issue('pattern', 'is required for action "extract"');
  const r = compileGoRegexp(a.pattern);
  if (!r.ok) return issue('pattern', `does not compile: ${r.message}`);
  if (r.groups.length === 0)
    issue('pattern', 'has no named capture groups: each group names the attribute it extracts, (?P<name>...)');
  else if (r.groups.includes('')) issue('pattern', 'has an unnamed capture group; name every group, (?P<name>...)');
}

function convertedType(a: ActionConfig, _n: ActionName, issue: (f: string | undefined, m: string) => void): void {
  if (a.converted_type === undefined || a.converted_type === '')
    issue('converted_type', 'is required for action "convert" (int, double or string)');
  else if (!(CONVERTED_TYPES as readonly string[]).includes(a.converted_type))
    issue('converted_type', `"${a.converted_type}" is not int, double or string`);
}

/** The problems of a list of entries, at `[...at, index, field]`. */
export function actionIssues(list: readonly ActionConfig[], at: readonly (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  list.forEach((a, i) => {
    const name = a.action.toLowerCase();
    if (!(ACTIONS as readonly string[]).includes(name)) {
      issues.push({
        path: [...at, i, 'action'],
        message: `unknown action "${a.action}" (known: ${ACTIONS.join(', ')})`,
      });
      return;
    }
    const issue = (field: string | undefined, message: string) =>
      issues.push({ path: field === undefined ? [...at, i] : [...at, i, field], message });
    for (const check of CHECKS[name as ActionName]) check(a, name as ActionName, issue);
  });
  return issues;
}

function compileOne(a: ActionConfig): Action {
  const kind = a.action.toLowerCase() as ActionName;
  const key = a.key ?? '';
  const pattern = isSet(a.pattern) ? compileGoRegexp(a.pattern) : undefined;
  if (pattern && !pattern.ok) throw new Error(`pattern ${JSON.stringify(a.pattern)}: ${pattern.message}`);
  switch (kind) {
    case 'insert':
    case 'update':
    case 'upsert': {
      const source: ValueSource = hasValue(a)
        ? { value: configValue(a.value) }
        : isSet(a.from_attribute)
          ? { fromAttribute: a.from_attribute }
          : { fromContext: a.from_context ?? '' };
      return { kind, key, source };
    }
    case 'delete':
    case 'hash':
      return { kind, key: isSet(a.key) ? a.key : undefined, pattern: pattern?.re };
    case 'extract':
      if (!pattern) throw new Error('extract needs a pattern');
      return { kind, key, pattern: pattern.re, names: pattern.groups };
    case 'convert':
      return { kind, key, to: a.converted_type as ConvertedType };
  }
}

/** The entries in their compiled form; the list must have passed actionIssues. */
export function compileActions(list: readonly ActionConfig[]): Action[] {
  return list.map(compileOne);
}
