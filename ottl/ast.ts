// The OTTL syntax tree. Every node keeps its 0-based source offset for errors at compile time.

export type Literal =
  | { type: 'string'; value: string; pos: number }
  | { type: 'int'; value: bigint; pos: number }
  | { type: 'float'; value: number; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'bytes'; value: Uint8Array; pos: number }
  | { type: 'nil'; pos: number };

/** `resource.attributes["k"]`: dotted names, then keys. */
export interface PathNode {
  type: 'path';
  names: string[];
  keys: Expr[];
  pos: number;
}

export interface Arg {
  /** Set for `name = value`. */
  name?: string;
  value: Expr;
  pos: number;
}

/** An editor (lower case, a statement's root) or converter (upper case, a value) with its keys (`Split(x, ",")[0]`). */
export interface CallNode {
  type: 'call';
  name: string;
  args: Arg[];
  keys: Expr[];
  pos: number;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type MathOp = '+' | '-' | '*' | '/';

export type Expr =
  | Literal
  | PathNode
  | CallNode
  | { type: 'enum'; name: string; pos: number }
  | { type: 'list'; items: Expr[]; pos: number }
  | { type: 'map'; entries: { key: string; value: Expr }[]; pos: number }
  | { type: 'math'; op: MathOp; left: Expr; right: Expr; pos: number }
  | { type: 'neg'; operand: Expr; pos: number }
  | { type: 'compare'; op: CompareOp; left: Expr; right: Expr; pos: number }
  | { type: 'logic'; op: 'and' | 'or'; left: Expr; right: Expr; pos: number }
  | { type: 'not'; operand: Expr; pos: number }
  | { type: 'group'; inner: Expr; pos: number };

export interface Statement {
  editor: CallNode;
  where?: Expr;
}
