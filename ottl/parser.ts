// The OTTL parser: recursive descent over the tokens of lexer.ts, one function per rule of the grammar in
// README.md. Everything is parsed with one precedence ladder (or < and < not < comparison < + - < * / < unary),
// then checked for shape: a condition must be boolean (a comparison, a bool, a converter, and/or/not of those),
// and comparison and math operands must be values, as in the Collector's grammar.
import type { Arg, CallNode, CompareOp, Expr, PathNode, Statement } from './ast.ts';
import { checkBoolean, checkValue } from './shape.ts';
import { OttlError } from './errors.ts';
import type { Token } from './lexer.ts';
import { lex } from './lexer.ts';

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);
const KEYWORDS = new Set(['where', 'and', 'or', 'not', 'nil', 'true', 'false']);
const ENUM = /^[A-Z][A-Z0-9_]*$/;
const MAX_DEPTH = 100;

const describe = (t: Token): string => (t.kind === 'eof' ? 'end of statement' : `'${t.text}'`);

class Parser {
  private i = 0;
  private depth = 0;
  private readonly toks: Token[];

  constructor(private readonly src: string) {
    this.toks = lex(src);
  }

  private get t(): Token {
    return this.toks[this.i] as Token;
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)] as Token;
  }
  private fail(msg: string, pos = this.t.pos): never {
    throw new OttlError(msg, pos + 1, this.src);
  }
  private is(text: string): boolean {
    return (this.t.kind === 'op' || this.t.kind === 'ident') && this.t.text === text;
  }
  private expect(text: string): Token {
    if (!this.is(text)) this.fail(`expected '${text}' but found ${describe(this.t)}`);
    return this.toks[this.i++] as Token;
  }
  /** After an item of a list: a comma, or the closing bracket. */
  private separator(close: string): void {
    if (this.is(close)) return;
    if (!this.is(',')) this.fail(`expected ',' or '${close}' but found ${describe(this.t)}`);
    this.i++;
  }
  private end(): void {
    if (this.t.kind !== 'eof') this.fail(`expected end of statement but found ${describe(this.t)}`);
  }

  statement(): Statement {
    const t = this.t;
    if (t.kind !== 'ident' || !this.peekIs('('))
      this.fail(`expected an editor call such as set(...) but found ${describe(t)}`);
    if (!/^[a-z]/.test(t.text)) this.fail(`'${t.text}' is a converter; a statement starts with an editor (lower case)`);
    const editor = this.call();
    if (editor.keys.length > 0) this.fail('an editor cannot be indexed', editor.keys[0]?.pos);
    let where: Expr | undefined;
    if (this.is('where')) {
      this.i++;
      where = this.condition();
    }
    this.end();
    return where ? { editor, where } : { editor };
  }

  conditionOnly(): Expr {
    const e = this.condition();
    this.end();
    return e;
  }

  private peekIs(text: string): boolean {
    const p = this.peek();
    return p.kind === 'op' && p.text === text;
  }

  private condition(): Expr {
    const e = this.or();
    checkBoolean(e, this.src);
    return e;
  }

  private or(): Expr {
    // Every nesting (parentheses, lists, maps, arguments, keys, not) comes back through here: a bound keeps a
    // pathological statement from exhausting the stack.
    if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} deep`);
    let left = this.and();
    while (this.is('or')) {
      const pos = this.t.pos;
      this.i++;
      left = { type: 'logic', op: 'or', left, right: this.and(), pos };
    }
    this.depth--;
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.is('and')) {
      const pos = this.t.pos;
      this.i++;
      left = { type: 'logic', op: 'and', left, right: this.not(), pos };
    }
    return left;
  }

  private not(): Expr {
    if (this.is('not')) {
      const pos = this.t.pos;
      this.i++;
      if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} deep`);
      const operand = this.not();
      this.depth--;
      return { type: 'not', operand, pos };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    if (this.t.kind === 'op' && COMPARE.has(this.t.text)) {
      const op = this.t.text as CompareOp;
      const pos = this.t.pos;
      this.i++;
      const right = this.additive();
      for (const side of [left, right]) checkValue(side, this.src);
      if (this.t.kind === 'op' && COMPARE.has(this.t.text)) this.fail('comparisons cannot be chained; use and');
      return { type: 'compare', op, left, right, pos };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.is('+') || this.is('-')) {
      const op = this.t.text as '+' | '-';
      const pos = this.t.pos;
      this.i++;
      const right = this.multiplicative();
      left = { type: 'math', op, left, right, pos };
      checkValue(left.left, this.src);
      checkValue(right, this.src);
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.is('*') || this.is('/')) {
      const op = this.t.text as '*' | '/';
      const pos = this.t.pos;
      this.i++;
      const right = this.unary();
      checkValue(left, this.src);
      checkValue(right, this.src);
      left = { type: 'math', op, left, right, pos };
    }
    return left;
  }

  private unary(): Expr {
    // A negative int literal is read whole, so that -9223372036854775808 fits although its magnitude does not.
    if (this.is('-') && this.peek().kind === 'int') {
      const pos = this.t.pos;
      const value = int64(-BigInt(this.peek().text), this.src, pos);
      this.i += 2;
      return { type: 'int', value, pos };
    }
    if (this.is('-')) {
      const pos = this.t.pos;
      this.i++;
      if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} deep`);
      const operand = this.unary();
      this.depth--;
      checkValue(operand, this.src);
      if (operand.type === 'int') return { type: 'int', value: -operand.value, pos };
      if (operand.type === 'float') return { type: 'float', value: -operand.value, pos };
      return { type: 'neg', operand, pos };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.t;
    const pos = t.pos;
    switch (t.kind) {
      case 'string':
        this.i++;
        return { type: 'string', value: t.value ?? '', pos };
      case 'int':
        this.i++;
        return { type: 'int', value: int64(BigInt(t.text), this.src, pos), pos };
      case 'float':
        this.i++;
        return { type: 'float', value: Number(t.text), pos };
      case 'bytes':
        this.i++;
        return { type: 'bytes', value: new Uint8Array(Buffer.from(t.text.slice(2), 'hex')), pos };
      case 'eof':
        return this.fail('expected a value but found end of statement');
      case 'op':
        return this.opPrimary(t);
      case 'ident':
        return this.identPrimary(t);
    }
  }

  private opPrimary(t: Token): Expr {
    const pos = t.pos;
    if (t.text === '(') {
      this.i++;
      const inner = this.or();
      this.expect(')');
      return { type: 'group', inner, pos };
    }
    if (t.text === '[') {
      this.i++;
      const items: Expr[] = [];
      while (!this.is(']')) {
        items.push(this.valueExpr());
        this.separator(']');
      }
      this.i++;
      return { type: 'list', items, pos };
    }
    if (t.text === '{') {
      this.i++;
      const entries: { key: string; value: Expr }[] = [];
      while (!this.is('}')) {
        const k = this.t;
        if (k.kind !== 'string') this.fail(`expected a string key but found ${describe(k)}`);
        this.i++;
        this.expect(':');
        entries.push({ key: k.value ?? '', value: this.valueExpr() });
        this.separator('}');
      }
      this.i++;
      return { type: 'map', entries, pos };
    }
    return this.fail(`expected a value but found ${describe(t)}`);
  }

  private identPrimary(t: Token): Expr {
    const pos = t.pos;
    if (t.text === 'nil') return (this.i++, { type: 'nil', pos });
    if (t.text === 'true' || t.text === 'false') return (this.i++, { type: 'bool', value: t.text === 'true', pos });
    if (KEYWORDS.has(t.text)) this.fail(`expected a value but found ${describe(t)}`);
    if (this.peekIs('(')) {
      if (!/^[A-Z]/.test(t.text)) this.fail(`'${t.text}' is an editor; only converters (upper case) give values`);
      return this.call();
    }
    if (ENUM.test(t.text) && !this.peekIs('.') && !this.peekIs('['))
      return (this.i++, { type: 'enum', name: t.text, pos });
    return this.path();
  }

  private path(): PathNode {
    const pos = this.t.pos;
    const names = [this.t.text];
    this.i++;
    while (this.is('.')) {
      this.i++;
      if (this.t.kind !== 'ident') this.fail(`expected a field name after '.' but found ${describe(this.t)}`);
      names.push(this.t.text);
      this.i++;
    }
    const keys = this.keys();
    if (this.is('.')) this.fail('a path has its keys last (attributes["a"]["b"], not attributes["a"].b)');
    return { type: 'path', names, keys, pos };
  }

  private keys(): Expr[] {
    const keys: Expr[] = [];
    while (this.is('[')) {
      this.i++;
      keys.push(this.valueExpr());
      this.expect(']');
    }
    return keys;
  }

  private call(): CallNode {
    const name = this.t.text;
    const pos = this.t.pos;
    this.i++;
    this.expect('(');
    const args: Arg[] = [];
    while (!this.is(')')) {
      const argPos = this.t.pos;
      if (this.t.kind === 'ident' && this.peekIs('=')) {
        const argName = this.t.text;
        this.i += 2;
        args.push({ name: argName, value: this.valueExpr(), pos: argPos });
      } else {
        if (args.some((a) => a.name !== undefined)) this.fail('positional arguments must come before named ones');
        args.push({ value: this.valueExpr(), pos: argPos });
      }
      this.separator(')');
    }
    this.i++;
    return { type: 'call', name, args, keys: this.keys(), pos };
  }

  /** An argument, list item or key: a value or a condition (IsMatch(...) and x == 1 both pass as arguments). */
  private valueExpr(): Expr {
    return this.or();
  }
}

/** An int literal, refused when out of the int64 range (the Collector's ints are int64). */
function int64(v: bigint, src: string, pos: number): bigint {
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw new OttlError(`${v} does not fit in a 64-bit int`, pos + 1, src);
  return v;
}

export function parseStatement(src: string): Statement {
  return new Parser(src).statement();
}

export function parseCondition(src: string): Expr {
  return new Parser(src).conditionOnly();
}
