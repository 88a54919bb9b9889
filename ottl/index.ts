// OTTL, the OpenTelemetry Transformation Language: parse and compile statements and conditions for a signal, in a
// given context or one inferred from their path prefixes. Used by the filter and transform processors; see
// README.md for the grammar and what is supported.
import type { Expr, Statement } from './ast.ts';
import { checkContext, compileCall, compileExpr } from './compile.ts';
import type { Env } from './env.ts';
import { truth } from './env.ts';
import type { ContextName, SignalName, TransformContext } from './contexts/index.ts';
import { PREFIXES, inferContext } from './contexts/index.ts';
import { OttlError } from './errors.ts';
import { parseCondition, parseStatement } from './parser.ts';

export type { ContextName, SignalName, TransformContext } from './contexts/index.ts';
export { SIGNAL_CONTEXTS } from './contexts/index.ts';
export { pointsOf } from './contexts/metrics.ts';
export { OttlError, OttlRuntimeError } from './errors.ts';

export interface CompiledStatement {
  readonly text: string;
  readonly context: ContextName;
  /** Runs the editor when the where clause holds (or there is none); throws OttlRuntimeError on a failure. */
  run(ctx: TransformContext): void;
}

export interface CompiledCondition {
  readonly text: string;
  readonly context: ContextName;
  test(ctx: TransformContext): boolean;
}

/** The first name of every path in `e` (for context inference). */
function heads(e: Expr | undefined, out: string[] = []): string[] {
  if (e === undefined) return out;
  switch (e.type) {
    case 'path':
      // A lone name (`attributes`) is not a prefix; only `prefix.field` names a context.
      if (e.names.length > 1) out.push(e.names[0] as string);
      e.keys.forEach((k) => heads(k, out));
      break;
    case 'call':
      e.args.forEach((a) => heads(a.value, out));
      e.keys.forEach((k) => heads(k, out));
      break;
    case 'list':
      e.items.forEach((i) => heads(i, out));
      break;
    case 'map':
      e.entries.forEach((en) => heads(en.value, out));
      break;
    case 'math':
    case 'compare':
    case 'logic':
      heads(e.left, out);
      heads(e.right, out);
      break;
    case 'neg':
    case 'not':
      heads(e.operand, out);
      break;
    case 'group':
      heads(e.inner, out);
      break;
    default:
      break;
  }
  return out;
}

type Parsed = { kind: 'statement'; text: string; ast: Statement } | { kind: 'condition'; text: string; ast: Expr };

function headsOf(p: Parsed): string[] {
  if (p.kind === 'condition') return heads(p.ast);
  return heads(p.ast.where, heads(p.ast.editor));
}

/**
 * The context for a group of statements and conditions: `context` when given (checked against the signal), else
 * the lowest context their path prefixes name. Throws OttlError (col 0) when it cannot be told.
 */
function contextFor(parsed: readonly Parsed[], signal: SignalName, context: ContextName | undefined): ContextName {
  const src = parsed[0]?.text ?? '';
  if (context !== undefined) {
    const bad = checkContext(context, signal);
    if (bad) throw new OttlError(bad, 0, src);
    return context;
  }
  const inferred = inferContext(parsed.flatMap(headsOf), signal);
  if (inferred === undefined) {
    const prefixes = Object.keys(PREFIXES).filter((p) => p !== 'instrumentation_scope');
    throw new OttlError(
      `cannot infer the context: no path names one (prefix paths with ${prefixes.map((p) => `${p}.`).join(', ')})`,
      0,
      src,
    );
  }
  if ('error' in inferred) throw new OttlError(inferred.error, 0, src);
  return inferred.context;
}

function env(text: string, signal: SignalName, context: ContextName, inferred: boolean): Env {
  return { src: text, signal, context, requirePrefix: inferred };
}

function buildStatement(text: string, ast: Statement, e: Env): CompiledStatement {
  const editor = compileCall(ast.editor, e, 'editor');
  if (ast.where === undefined) return { text, context: e.context, run: (ctx) => void editor(ctx) };
  const where = compileExpr(ast.where, e);
  return {
    text,
    context: e.context,
    run: (ctx) => {
      if (truth(where(ctx), 'the where clause')) editor(ctx);
    },
  };
}

function buildCondition(text: string, ast: Expr, e: Env): CompiledCondition {
  const g = compileExpr(ast, e);
  return { text, context: e.context, test: (ctx) => truth(g(ctx), 'the condition') };
}

export interface GroupSource {
  statements?: readonly string[];
  conditions?: readonly string[];
  /** Omitted: inferred from the path prefixes, and then every path must carry one. */
  context?: ContextName;
}

export interface CompiledGroup {
  context: ContextName;
  statements: CompiledStatement[];
  conditions: CompiledCondition[];
}

/**
 * Compiles statements and conditions that run together in one context. Throws a GroupError for the first problem,
 * saying which list and index it came from (its cause, an OttlError, has the column).
 */
export function compileGroup(src: GroupSource, signal: SignalName): CompiledGroup {
  const parsed: Parsed[] = [];
  const where: { list: 'statements' | 'conditions'; index: number }[] = [];
  const wrap = (list: 'statements' | 'conditions', index: number, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof OttlError) throw new GroupError(err, list, index);
      throw err;
    }
  };
  (src.statements ?? []).forEach((text, i) =>
    wrap('statements', i, () => {
      parsed.push({ kind: 'statement', text, ast: parseStatement(text) });
      where.push({ list: 'statements', index: i });
    }),
  );
  (src.conditions ?? []).forEach((text, i) =>
    wrap('conditions', i, () => {
      parsed.push({ kind: 'condition', text, ast: parseCondition(text) });
      where.push({ list: 'conditions', index: i });
    }),
  );
  let context: ContextName;
  try {
    context = contextFor(parsed, signal, src.context);
  } catch (err) {
    if (err instanceof OttlError) throw new GroupError(err, 'context', 0);
    throw err;
  }
  const out: CompiledGroup = { context, statements: [], conditions: [] };
  parsed.forEach((p, i) => {
    const at = where[i] as { list: 'statements' | 'conditions'; index: number };
    wrap(at.list, at.index, () => {
      const e = env(p.text, signal, context, src.context === undefined);
      if (p.kind === 'statement') out.statements.push(buildStatement(p.text, p.ast, e));
      else out.conditions.push(buildCondition(p.text, p.ast, e));
    });
  });
  return out;
}

/** An OttlError located in a group: in `list` at `index` (`context` when the context itself is the problem). */
export class GroupError extends Error {
  constructor(
    override readonly cause: OttlError,
    readonly list: 'statements' | 'conditions' | 'context',
    readonly index: number,
  ) {
    super(cause.message);
    this.name = 'GroupError';
  }
}
