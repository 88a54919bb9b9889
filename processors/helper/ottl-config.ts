// Config pieces the filter and transform processors share: error_mode, and compiling OTTL lists into groups with
// config issues that name the YAML path of the offending statement and the column in it.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import type { CompiledGroup, ContextName, GroupSource, SignalName } from '../../ottl/index.ts';
import { GroupError, compileGroup } from '../../ottl/index.ts';

export type ErrorMode = 'ignore' | 'silent' | 'propagate';
export const ERROR_MODES: readonly ErrorMode[] = ['ignore', 'silent', 'propagate'];
/**
 * A statement or condition that fails on one item is logged and skipped rather than failing the whole batch: the
 * transform processor's documented default in recent contrib releases, and the filter's here too (see its README).
 */
export const DEFAULT_ERROR_MODE: ErrorMode = 'ignore';

export const errorModeSchema: ConfigSchema = { type: 'string', enum: [...ERROR_MODES] };

export const ALL_CONTEXTS: readonly ContextName[] = [
  'resource',
  'scope',
  'span',
  'spanevent',
  'metric',
  'datapoint',
  'log',
];

/** A list of OTTL strings, or of objects holding one (`listKey`) with an optional context and error_mode. */
export function ottlListSchema(listKey: 'statements' | 'conditions', withConditions: boolean): ConfigSchema {
  const props: Record<string, ConfigSchema> = {
    context: { type: 'string', enum: [...ALL_CONTEXTS] },
    error_mode: errorModeSchema,
    [listKey]: { type: 'array', items: { type: 'string' } },
  };
  if (withConditions) props.conditions = { type: 'array', items: { type: 'string' } };
  return {
    type: 'array',
    items: {
      anyOf: [
        { type: 'string' },
        { type: 'object', additionalProperties: false, required: [listKey], properties: props },
      ],
    },
  };
}

/** An entry of a flat list as written in the config. */
export type OttlEntry =
  | string
  | { context?: ContextName; error_mode?: ErrorMode; statements?: string[]; conditions?: string[] };

export interface Group extends CompiledGroup {
  errorMode: ErrorMode;
}

function message(err: GroupError): string {
  return err.list === 'context' ? err.cause.message : `${err.cause.message} (in "${err.cause.statement}")`;
}

/** Compiles `src`; on failure reports an issue at `locate(err)` and returns undefined. */
function attempt(
  src: GroupSource,
  signal: SignalName,
  issues: ConfigIssue[],
  locate: (err: GroupError) => (string | number)[],
): CompiledGroup | undefined {
  try {
    return compileGroup(src, signal);
  } catch (err) {
    if (!(err instanceof GroupError)) throw err;
    issues.push({ path: locate(err), message: message(err) });
    return undefined;
  }
}

/** One list in a fixed context (the filter's `traces.span`): issues at `path` + the index. */
export function compileList(
  list: readonly string[],
  listKey: 'statements' | 'conditions',
  context: ContextName,
  signal: SignalName,
  path: (string | number)[],
  errorMode: ErrorMode,
  issues: ConfigIssue[],
): Group | undefined {
  const g = attempt({ [listKey]: list, context }, signal, issues, (err) => [...path, err.index]);
  return g && { ...g, errorMode };
}

/**
 * A flat list (`trace_statements`, `trace_conditions`): a string is its own group, its context inferred; an object
 * is a group with its own context (given or inferred) and error_mode.
 */
export function compileEntries(
  entries: readonly OttlEntry[],
  listKey: 'statements' | 'conditions',
  signal: SignalName,
  path: (string | number)[],
  errorMode: ErrorMode,
  issues: ConfigIssue[],
): Group[] {
  const out: Group[] = [];
  // Plain strings next to each other in one context run as one group: the same order and the same result, one
  // walk over the data instead of one per statement.
  let previousString: Group | undefined;
  entries.forEach((entry, i) => {
    if (typeof entry === 'string') {
      const g = attempt({ [listKey]: [entry] }, signal, issues, () => [...path, i]);
      if (!g) return;
      if (previousString?.context === g.context) {
        previousString.statements.push(...g.statements);
        previousString.conditions.push(...g.conditions);
        return;
      }
      previousString = { ...g, errorMode };
      out.push(previousString);
      return;
    }
    previousString = undefined;
    const src = { statements: entry.statements, conditions: entry.conditions, context: entry.context };
    const g = attempt(src, signal, issues, (err) =>
      err.list === 'context'
        ? [...path, i, ...(entry.context === undefined ? [] : ['context'])]
        : [...path, i, err.list, err.index],
    );
    if (g) out.push({ ...g, errorMode: entry.error_mode ?? errorMode });
  });
  return out;
}
