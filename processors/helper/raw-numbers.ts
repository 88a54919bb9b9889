// The source text of the number literals in a JSON document, by JSON pointer, for the converters that must keep
// numbers as the publisher wrote them (schema's u64 values and nanosecond timestamps, correlation's integer IDs).
// JSON.parse gives doubles only (and Node 20's JSON.parse has no access to the source text), so large integers
// are read from here instead. The scan runs only on text JSON.parse has already accepted, so it can skip what it
// does not need without checking the grammar again.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isNumberChar(c: number): boolean {
  // digits, '-', '+', '.', 'e', 'E'
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** The index just past the string literal starting (with its quote) at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else if (Number.isNaN(c)) return text.length;
    else i++;
  }
}

function pointerSegment(key: string): string {
  // Most keys need no escaping; the two replaces cost more than the rest of the scan.
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer (RFC 6901) of a path of keys or indexes, as rawNumbers keys its map. */
export function jsonPointer(path: readonly string[]): string {
  return path.map((k) => '/' + pointerSegment(k)).join('');
}

/** A plain integer literal this short is a double exactly, and String() writes it back as written (-0 aside). */
const EXACT_DIGITS = 15;

function isShortPlainInteger(text: string, start: number, end: number): boolean {
  if (end - start > EXACT_DIGITS) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x2e || c === 0x65 || c === 0x45) return false; // '.', 'e', 'E'
  }
  return true;
}

export interface RawNumbersOptions {
  /**
   * Leaves out plain integer literals of up to 15 digits, whose double JSON.parse holds exactly and String() writes
   * back unchanged: for callers that fall back to `String(value)`, and read mostly such numbers (a payload's counters
   * and values), this keeps the map empty and the scan cheap.
   */
  inexactOnly?: boolean;
}

const NONE: ReadonlyMap<string, string> = new Map();

/**
 * Number literals at most `maxDepth` levels deep (`/metrics/0/value` is 3 levels), keyed by JSON pointer. A key
 * that occurs twice in one object keeps its last literal, as JSON.parse keeps the last value.
 */
export function rawNumbers(text: string, maxDepth: number, opts: RawNumbersOptions = {}): ReadonlyMap<string, string> {
  let out: Map<string, string> | undefined;
  // Per open container: where its current key's literal starts (objects; -1 for arrays) or its index (arrays). Keys
  // are read from the text only for a pointer that is recorded: most documents have far more keys than numbers kept.
  const keyAt: number[] = [];
  const index: number[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      keyAt.push(-1);
      index.push(c === 0x5b ? 0 : -1);
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keyAt.pop();
      index.pop();
      // What follows a closed container is a comma or another close, never a key.
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      const last = index.length - 1;
      if ((index[last] ?? -1) >= 0) index[last] = (index[last] ?? 0) + 1;
      else expectKey = true;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === QUOTE) {
      if (expectKey) keyAt[keyAt.length - 1] = i;
      i = stringEnd(text, i);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      if (keyAt.length <= maxDepth && !(opts.inexactOnly && isShortPlainInteger(text, i, j))) {
        out ??= new Map();
        out.set(pointerOf(text, keyAt, index), text.slice(i, j));
      }
      i = j;
    } else {
      // Whitespace and the letters of true, false and null.
      i++;
    }
  }
  return out ?? NONE;
}

function pointerOf(text: string, keyAt: readonly number[], index: readonly number[]): string {
  let p = '';
  for (let k = 0; k < keyAt.length; k++) {
    const n = index[k] ?? -1;
    p += '/' + (n >= 0 ? String(n) : keySegment(text, keyAt[k] ?? -1));
  }
  return p;
}

/** The pointer segment of the key literal starting (with its quote) at `start`. */
function keySegment(text: string, start: number): string {
  if (start < 0) return '';
  const end = stringEnd(text, start);
  const body = text.slice(start + 1, end - 1);
  // Escapes are rare in keys; JSON.parse decodes them exactly as it did for the parsed value.
  return pointerSegment(body.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : body);
}
