// The source text of the number at an object-key path of a JSON document. JSON.parse gives doubles only, so an ID
// such as 12345678901234567890 would come back as 12345678901234567000; the original exporter (serde_json) kept
// every u64 exact. The scan runs only on text JSON.parse has already accepted, so it skips what it does not need
// without checking the grammar again.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isNumberChar(c: number): boolean {
  // digits, '-', '+', '.', 'e', 'E'
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** The index just past the string literal whose opening quote is at `start`. */
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

function atPath(keys: readonly (string | null)[], path: readonly string[]): boolean {
  if (keys.length !== path.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== path[i]) return false;
  return true;
}

/**
 * The last number literal whose path of object keys is `path` (arrays on the way never match, as the path has no
 * indexes), or undefined. The last, because JSON.parse keeps the last of a repeated key.
 */
export function rawNumberAt(text: string, path: readonly string[]): string | undefined {
  // Per open container: its current key (objects) or null (arrays).
  const keys: (string | null)[] = [];
  let expectKey = false;
  let found: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      keys.push(c === 0x7b ? '' : null);
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keys.pop();
      // What follows a closed container is a comma or another close, never a key.
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      expectKey = keys.at(-1) !== null;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const body = text.slice(i + 1, end - 1);
        // Escapes are rare in keys; JSON.parse decodes them exactly as it did for the parsed value.
        keys[keys.length - 1] = body.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : body;
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      if (atPath(keys, path)) found = text.slice(i, j);
      i = j;
    } else {
      // Whitespace and the letters of true, false and null.
      i++;
    }
  }
  return found;
}
