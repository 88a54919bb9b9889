// Regular expressions written for the Collector (Go's RE2 syntax) compiled as JavaScript RegExps. The two differ in
// a few spellings that configs copied from the Collector's docs use: named groups `(?P<name>...)` (JavaScript
// writes `(?<name>...)`), inline flags at the start (`(?i)`), and escaped punctuation that means itself (`\:`, `\-`
// outside a class), which RE2 allows and JavaScript's Unicode mode refuses. Patterns are compiled in Unicode mode:
// RE2 matches code points, and only that mode refuses escapes it does not know (`\z`, `\A`) instead of reading
// them as a letter; what it does not accept is refused at load time with JavaScript's own message.

export type CompiledRegexp = { ok: true; re: RegExp; groups: string[] } | { ok: false; message: string };

/** Flags RE2 allows inline that JavaScript has as RegExp flags (`U`, ungreedy, has no JavaScript equivalent). */
const INLINE_FLAGS: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's' };

/** The names of the capturing groups of `source` in order; '' for an unnamed one. */
function captureGroups(source: string): string[] {
  const names: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (source[i + 1] !== '?') names.push('');
      else {
        const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i));
        if (named) names.push(named[1] ?? '');
      }
    }
  }
  return names;
}

/** Punctuation that stays escaped: JavaScript's syntax characters, and `-` inside a class. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const PUNCTUATION = /[!-/:-@[-`{-~]/;

/** `source` with the backslash taken off escaped punctuation that means itself in JavaScript too. */
function plainEscapes(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1] as string;
      const keep = SYNTAX.has(next) || (inClass && next === '-') || !PUNCTUATION.test(next);
      out += keep ? c + next : next;
      i++;
      continue;
    }
    if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    out += c;
  }
  return out;
}

/** Compiles a Go-syntax pattern; the message of a pattern that does not compile says why. */
export function compileGoRegexp(pattern: string): CompiledRegexp {
  let source = plainEscapes(pattern.replaceAll('(?P<', '(?<'));
  let flags = 'u';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1] ?? '') {
      const js = INLINE_FLAGS[f];
      if (!js) return { ok: false, message: `inline flag "${f}" is not supported (supported: i, m, s)` };
      if (!flags.includes(js)) flags += js;
    }
    source = source.slice(lead[0].length);
  }
  try {
    return { ok: true, re: new RegExp(source, flags), groups: captureGroups(source) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
