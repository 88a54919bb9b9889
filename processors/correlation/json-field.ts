// One field of a JSON document, found by checking the document's grammar without building it. JSON.parse made every
// object, array and string of a payload to read one field of it: about a microsecond per message, a tenth of the
// hub's CPU while draining a backlog. This scanner answers only for documents it can vouch for exactly as
// JSON.parse would (valid, printable ASCII, nested at most MAX_DEPTH deep, no escape in a key on the path, no key of
// the path twice in one object); for anything else it returns undefined and the caller parses.

/** The value at the path: its kind and source text (a string with its quotes). */
export interface Found {
  kind: 'string' | 'number' | 'true' | 'false' | 'null' | 'object' | 'array';
  raw: string;
}

/** The document is valid and has nothing at the path (a key missing, or a value on the way not an object). */
export const ABSENT = 'absent';

const MAX_DEPTH = 64;
/** Thrown (and caught below) where the scanner cannot vouch for the document. */
const GIVE_UP = new Error('not for the scanner');

export function scanField(json: string, fieldPath: readonly string[]): Found | typeof ABSENT | undefined {
  if (fieldPath.length === 0) return undefined;
  const s = new Scanner(json, fieldPath);
  try {
    s.value(0, 0);
    s.space();
    if (s.pos !== json.length) return undefined;
    return s.found ?? ABSENT;
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** After a backslash: " \\ / b f n r t (u is checked apart). */
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

// A class rather than module variables: its fields are read without the checks a module's `let` needs.
class Scanner {
  pos = 0;
  found: Found | undefined;

  constructor(
    private readonly text: string,
    private readonly path: readonly string[],
  ) {}

  /** Whitespace, which is rare between tokens: callers look at the next character (<= 0x20) before calling. */
  space(): void {
    const t = this.text;
    let p = this.pos;
    for (let c = t.charCodeAt(p); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++p));
    this.pos = p;
  }

  /**
   * A value at nesting `depth`. `level`: how many keys of the path lead here (-1: off the path); at
   * `path.length` this is the value asked for.
   */
  value(depth: number, level: number): void {
    if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
    const start = this.pos;
    const c = this.text.charCodeAt(this.pos);
    let kind: Found['kind'];
    if (c === 0x7b) {
      this.object(depth + 1, level);
      kind = 'object';
    } else if (c === 0x5b) {
      this.array(depth + 1);
      kind = 'array';
    } else if (c === 0x22) {
      this.string();
      kind = 'string';
    } else if (c === 0x74) kind = this.literal('true');
    else if (c === 0x66) kind = this.literal('false');
    else if (c === 0x6e) kind = this.literal('null');
    else {
      this.number();
      kind = 'number';
    }
    if (level === this.path.length) this.found = { kind, raw: this.text.slice(start, this.pos) };
  }

  literal<L extends 'true' | 'false' | 'null'>(word: L): L {
    if (!this.text.startsWith(word, this.pos)) throw GIVE_UP;
    this.pos += word.length;
    return word;
  }

  object(depth: number, level: number): void {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    this.pos++;
    if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return;
    }
    // On the this.path, the key that leads on (a repeated one: JSON.parse keeps the last, too rare to follow here).
    const want = level >= 0 && level < this.path.length ? this.path[level] : undefined;
    let seen = false;
    for (;;) {
      if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
      if (this.text.charCodeAt(this.pos) !== 0x22) throw GIVE_UP;
      const keyStart = this.pos + 1;
      const escaped = this.string();
      let next = -1;
      if (want !== undefined) {
        if (escaped) throw GIVE_UP;
        if (this.pos - 1 - keyStart === want.length && this.text.startsWith(want, keyStart)) {
          if (seen) throw GIVE_UP;
          seen = true;
          next = level + 1;
        }
      }
      if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
      if (this.text.charCodeAt(this.pos) !== 0x3a) throw GIVE_UP;
      this.pos++;
      this.value(depth, next);
      if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return;
      if (c !== 0x2c) throw GIVE_UP;
    }
  }

  array(depth: number): void {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    this.pos++;
    if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.value(depth, -1);
      if (this.text.charCodeAt(this.pos) <= 0x20) this.space();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return;
      if (c !== 0x2c) throw GIVE_UP;
    }
  }

  /** A string literal from its opening quote; true when it has an escape. */
  string(): boolean {
    // Locals, not this.pos: the loop runs once per character of every string.
    const t = this.text;
    let p = this.pos + 1;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(p++);
      if (c === 0x22) break;
      // Control characters are not allowed; anything beyond ASCII (or the end, NaN) is left to JSON.parse.
      if (!(c >= 0x20 && c <= 0x7e)) throw GIVE_UP;
      if (c === 0x5c) {
        escaped = true;
        const e = t.charCodeAt(p++);
        if (e === 0x75) {
          for (let i = 0; i < 4; i++) if (!isHex(t.charCodeAt(p++))) throw GIVE_UP;
        } else if (!ESCAPES.has(e)) throw GIVE_UP;
      }
    }
    this.pos = p;
    return escaped;
  }

  digits(): void {
    if (!isDigit(this.text.charCodeAt(this.pos))) throw GIVE_UP;
    while (isDigit(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(): void {
    if (this.text.charCodeAt(this.pos) === 0x2d) this.pos++;
    if (this.text.charCodeAt(this.pos) === 0x30) this.pos++;
    else this.digits();
    if (this.text.charCodeAt(this.pos) === 0x2e) {
      this.pos++;
      this.digits();
    }
    const e = this.text.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = this.text.charCodeAt(this.pos);
      if (s === 0x2b || s === 0x2d) this.pos++;
      this.digits();
    }
  }
}
