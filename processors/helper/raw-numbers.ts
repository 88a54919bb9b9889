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
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer (RFC 6901) of a path of keys or indexes, as rawNumbers keys its map. */
export function jsonPointer(path: readonly string[]): string {
  return path.map((k) => '/' + pointerSegment(k)).join('');
}

/**
 * Number literals at most `maxDepth` levels deep (`/metrics/0/value` is 3 levels), keyed by JSON pointer. A key
 * that occurs twice in one object keeps its last literal, as JSON.parse keeps the last value.
 */
export function rawNumbers(text: string, maxDepth: number): Map<string, string> {
  const out = new Map<string, string>();
  // Per open container: its current key (objects) or index (arrays), as a pointer segment.
  const path: string[] = [];
  const isArray: boolean[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      isArray.push(c === 0x5b);
      path.push(c === 0x5b ? '0' : '');
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      isArray.pop();
      path.pop();
      // What follows a closed container is a comma or another close, never a key.
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      if (isArray.at(-1)) path[path.length - 1] = String(Number(path.at(-1)) + 1);
      else expectKey = true;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const body = text.slice(i + 1, end - 1);
        // Escapes are rare in keys; JSON.parse decodes them exactly as it did for the parsed value.
        path[path.length - 1] = pointerSegment(body.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : body);
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      if (path.length <= maxDepth) out.set(path.length === 0 ? '' : '/' + path.join('/'), text.slice(i, j));
      i = j;
    } else {
      // Whitespace and the letters of true, false and null.
      i++;
    }
  }
  return out;
}
