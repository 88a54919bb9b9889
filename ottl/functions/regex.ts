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
  return new RegExp(src, flags);
}

/**
 * Go's regexp Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`. A name Go reads greedily ($1x is group
 * "1x"), so an unknown group expands to nothing, as in Go.
 */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, tok: string, braced?: string, bare?: string) => {
      if (tok === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
      return m.groups?.[name] ?? '';
    },
  );
}

/** Every match of `re` in `s` replaced by the expanded template (optionally passed through `fn`). */
export function replaceAll(s: string, re: RegExp, template: string, fn?: (expanded: string) => string): string {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let out = '';
  let last = 0;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    const expanded = expandTemplate(template, m);
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
