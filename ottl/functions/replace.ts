// replace_pattern, replace_all_patterns and replace_match: regex or glob replacement in strings, optionally
// passing the replacement through a converter (SHA256) and a `%s` format.
import type { Value } from '../values.ts';
import { stringLike } from '../values.ts';
import { needMap } from './coerce.ts';
import { compileTemplate, globToRegex, replaceAll } from './regex.ts';
import type { Args, FunctionDef } from './types.ts';

const optional = [
  { name: 'function', type: 'function', optional: true },
  { name: 'replacement_format', type: 'string', optional: true },
] as const;

/** The function and format arguments as one string transform, or undefined when neither is given. */
function postProcess(a: Args, fnAt: number): ((s: string) => string) | undefined {
  const fn = a.fn(fnAt);
  const format = a.string(fnAt + 1);
  if (format !== undefined && fn === undefined) a.fail(fnAt + 1, 'replacement_format needs a function');
  if (format !== undefined && !format.includes('%s')) a.fail(fnAt + 1, 'replacement_format must contain %s');
  if (!fn) return undefined;
  return (s: string) => {
    const str = stringLike(fn(s)) ?? '';
    return format === undefined ? str : format.replace('%s', str);
  };
}

/**
 * The replacement's expansion for a match: compiled once when it is a literal (the usual case), else read and
 * compiled per item. Null when the replacement is not a string (nothing is replaced, as in the Collector).
 */
function replacementOf(
  a: Args,
  i: number,
): (ctx: Parameters<ReturnType<Args['getter']>>[0]) => ((m: RegExpExecArray) => string) | null {
  const g = a.getter(i);
  const literal = a.literal(i);
  if (typeof literal === 'string') {
    const expand = compileTemplate(literal);
    return () => expand;
  }
  return (ctx) => {
    const v: Value = g(ctx);
    return typeof v === 'string' ? compileTemplate(v) : null;
  };
}

export const replacingEditors: FunctionDef[] = [
  {
    name: 'replace_pattern',
    kind: 'editor',
    params: [
      { name: 'target', type: 'setter' },
      { name: 'regex', type: 'string' },
      { name: 'replacement', type: 'getter' },
      ...optional,
    ],
    build: (a) => {
      const target = a.setter(0);
      const re = a.regex(1, true);
      const replacement = replacementOf(a, 2);
      const post = postProcess(a, 3);
      return (ctx) => {
        const v = target.get(ctx);
        const r = replacement(ctx);
        // Only strings are replaced in; anything else is left as it is, as in the Collector.
        if (typeof v !== 'string' || r === null) return null;
        const out = replaceAll(v, re, r, post);
        if (out !== v) target.set(ctx, out);
        return null;
      };
    },
  },
  {
    name: 'replace_all_patterns',
    kind: 'editor',
    params: [
      { name: 'target', type: 'getter' },
      { name: 'mode', type: 'string' },
      { name: 'regex', type: 'string' },
      { name: 'replacement', type: 'getter' },
      ...optional,
    ],
    build: (a) => {
      const target = a.getter(0);
      const mode = a.string(1);
      if (mode !== 'key' && mode !== 'value') a.fail(1, `mode must be "key" or "value", not "${mode ?? ''}"`);
      const re = a.regex(2, true);
      const replacement = replacementOf(a, 3);
      const post = postProcess(a, 4);
      return (ctx) => {
        const m = needMap('replace_all_patterns', target(ctx));
        const r = replacement(ctx);
        if (r === null) return null;
        for (const kv of m.kvs) {
          if (mode === 'key') kv.key = replaceAll(kv.key, re, r, post);
          else if ('stringValue' in kv.value) kv.value = { stringValue: replaceAll(kv.value.stringValue, re, r, post) };
        }
        return null;
      };
    },
  },
  {
    name: 'replace_match',
    kind: 'editor',
    params: [
      { name: 'target', type: 'setter' },
      { name: 'pattern', type: 'string' },
      { name: 'replacement', type: 'getter' },
      ...optional,
    ],
    build: (a) => {
      const target = a.setter(0);
      const replacement = a.getter(2);
      let glob: RegExp | undefined;
      try {
        glob = globToRegex(a.string(1) ?? '');
      } catch (err) {
        a.fail(1, (err as Error).message);
      }
      const re = glob as RegExp;
      const post = postProcess(a, 3);
      return (ctx) => {
        const v = target.get(ctx);
        const r = replacement(ctx);
        if (typeof v !== 'string' || typeof r !== 'string' || !re.test(v)) return null;
        target.set(ctx, post ? post(r) : r);
        return null;
      };
    },
  },
];
