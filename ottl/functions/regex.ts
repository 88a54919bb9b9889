// Patterns are RE2 in the Collector; JavaScript's RegExp reads the common subset the same way. The RE2 spellings
// JavaScript lacks are translated: named groups `(?P<name>...)` and leading flags `(?i)`, `(?s)`, `(?m)`.
// Lookarounds and backreferences (which RE2 refuses) are refused here too, so a config means the same in both.

export function compileRegex(pattern: string, global = false): RegExp {
  let src = pattern;
  // No `u` flag: RE2 lets any punctuation be escaped (`\=`), which JavaScript refuses in unicode mode.
  let flags = global ? 'g' : '';
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1] as string) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  if (/\(\?<?[=!]/.test(src)) throw new Error('lookarounds are not RE2; the Collector would refuse this pattern');
  if (/\\[1-9]/.test(src)) throw new Error('backreferences are not RE2; the Collector would refuse this pattern');
  src = src.replace(/\(\?P</g, '(?<');
  // RE2's text anchors \A and \z (JavaScript has none; without the m flag ^ and $ mean the same).
  if (!flags.includes('m')) src = src.replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^').replace(/(?<!\\)((?:\\\\)*)\\z/g, '$1$');
  return new RegExp(src, flags);
}

/**
 * Go's regexp Expand template, compiled once: `$1`, `${1}`, `$name`, `${name}`, `$$`. A name Go reads greedily ($1x
 * is group "1x"), so an unknown group expands to nothing, as in Go.
 */
export function compileTemplate(template: string): (m: RegExpExecArray) => string {
  if (!template.includes('$')) return () => template;
  const parts: (string | ((m: RegExpExecArray) => string))[] = [];
  let last = 0;
  for (const t of template.matchAll(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g)) {
    parts.push(template.slice(last, t.index));
    last = t.index + t[0].length;
    if (t[1] === '$') {
      parts.push('$');
      continue;
    }
    const name = t[2] ?? t[3] ?? '';
    parts.push(/^\d+$/.test(name) ? (m) => m[Number(name)] ?? '' : (m) => m.groups?.[name] ?? '');
  }
  parts.push(template.slice(last));
  return (m) => parts.map((p) => (typeof p === 'string' ? p : p(m))).join('');
}

/** Every match of the global regex `g` in `s` replaced by the expansion (optionally passed through `fn`). */
export function replaceAll(
  s: string,
  g: RegExp,
  expand: (m: RegExpExecArray) => string,
  fn?: (expanded: string) => string,
): string {
  g.lastIndex = 0;
  let m = g.exec(s);
  if (m === null) return s;
  let out = '';
  let last = 0;
  for (; m !== null; m = g.exec(s)) {
    const expanded = expand(m);
    out += s.slice(last, m.index) + (fn ? fn(expanded) : expanded);
    last = m.index + m[0].length;
    if (m[0].length === 0) g.lastIndex++;
  }
  return out + s.slice(last);
}

/**
 * A pattern of Go's filepath.Match (replace_match), as a regex over the whole string: `*` is any run of characters
 * but `/`, `?` one character but `/`, `[a-z]` and `[^a-z]` classes, `\\` escapes.
 */
export function globToRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\') {
      if (i + 1 >= glob.length) throw new Error(`pattern "${glob}" ends in an escape`);
      out += escapeRegex(glob[++i] as string);
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new Error(`unclosed '[' in pattern "${glob}"`);
      const body = glob.slice(i + 1, end);
      const negated = body.startsWith('^');
      const chars = negated ? body.slice(1) : body;
      out += negated ? `[^${chars}]` : `[${chars}]`;
      i = end;
    } else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`, 's');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
