// The OTTL lexer: a statement into tokens, each with its 0-based offset (errors report offset + 1 as the column).
import { OttlError } from './errors.ts';

export type TokenKind = 'ident' | 'string' | 'int' | 'float' | 'bytes' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token; for strings, the unescaped value is in `value`. */
  text: string;
  value?: string;
  pos: number;
}

// Longest first, so `<=` is not read as `<` then `=`.
const OPS = ['==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', ':', '=', '+', '-', '*', '/'];

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string, at: number): never => {
    throw new OttlError(msg, at + 1, src);
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) fail('unterminated string', start);
        const d = src[i] as string;
        if (d === '"') break;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined || ESCAPES[e] === undefined) fail(`unknown escape '\\${e ?? ''}' in string`, i);
          value += ESCAPES[e as string];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      out.push({ kind: 'string', text: src.slice(start, i), value, pos: start });
      continue;
    }
    const rest = src.slice(i);
    const bytes = /^0x[0-9a-fA-F]*/.exec(rest);
    if (bytes) {
      if (bytes[0].length % 2 !== 0) fail('a bytes literal needs an even number of hex digits', start);
      out.push({ kind: 'bytes', text: bytes[0], pos: start });
      i += bytes[0].length;
      continue;
    }
    const num = /^(\d*\.\d+|\d+\.?)([eE][-+]?\d+)?/.exec(rest);
    if (num && /[\d.]/.test(c)) {
      const isFloat = num[0].includes('.') || num[2] !== undefined;
      out.push({ kind: isFloat ? 'float' : 'int', text: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      out.push({ kind: 'ident', text: ident[0], pos: start });
      i += ident[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) fail(`unexpected character '${c}'`, start);
    out.push({ kind: 'op', text: op as string, pos: start });
    i += (op as string).length;
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}
