// Regular expressions written for the Collector (Go's RE2 syntax) compiled as JavaScript RegExps. The two differ in
// a few spellings that configs copied from the Collector's docs use: named groups `(?P<name>...)` (JavaScript
// writes `(?<name>...)`) and inline flags at the start (`(?i)`). Everything else RE2 accepts means the same in
// JavaScript's Unicode mode, or is refused here with JavaScript's own message, at load time.

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

/** Compiles a Go-syntax pattern; the message of a pattern that does not compile says why. */
export function compileGoRegexp(pattern: string): CompiledRegexp {
  let source = pattern.replaceAll('(?P<', '(?<');
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
  const groups = captureGroups(source);
  try {
    return { ok: true, re: new RegExp(source, flags), groups };
  } catch {
    try {
      return { ok: true, re: new RegExp(source, flags.replace('u', '')), groups };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }
}
