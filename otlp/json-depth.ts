// OTLP/JSON's nesting limit, checked without parsing: JSON.parse builds the whole tree of a nesting bomb (ten million
// `[` from a 20 KiB gzip body: 1 GB of RSS, a 5 s event-loop stall) before any depth check after it could refuse.
import { MAX_VALUE_DEPTH } from './proto-schema.ts';

/**
 * The deepest nesting OTLP/JSON has: a request's envelope (request, resource, scope, item lists, attribute lists: 10
 * levels) and AnyValues nested MAX_VALUE_DEPTH deep, each kvlist level taking 4 (value, kvlistValue, values, entry).
 */
export const MAX_JSON_DEPTH = 10 + 4 * (MAX_VALUE_DEPTH + 1);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Counts nesting as text arrives, in pieces (a request body as it is decompressed) or whole, and throws SyntaxError
 * at the first level past the limit: one pass, no tree, nothing kept but three numbers. Strings are skipped, so
 * brackets in them do not count. UTF-8 bytes and UTF-16 code units read the same here: every character that matters
 * is ASCII, and no byte of a multi-byte UTF-8 sequence is.
 */
export class JsonDepthScan {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly max = MAX_JSON_DEPTH) {}

  bytes(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i] ?? 0);
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.step(s.charCodeAt(i));
  }

  private step(c: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) this.inString = false;
    } else if (c === QUOTE) this.inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++this.depth > this.max) throw new SyntaxError(`nested deeper than ${this.max} levels`);
    } else if (c === 0x7d || c === 0x5d) this.depth--;
  }
}
