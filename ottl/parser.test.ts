// The grammar: what parses (and to which tree), and what is refused with which column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OttlError } from './errors.ts';
import { parseCondition, parseStatement } from './parser.ts';

function errorOf(f: () => unknown): OttlError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof OttlError, `an OttlError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('OTTL parser', () => {
  const valid = [
    'set(attributes["test"], "pass")',
    'set(attributes["test"], "pass") where name == "operationA"',
    'delete_key(resource.attributes, "http.request.header.authorization")',
    'keep_keys(attributes, ["http.method", "http.route"])',
    'set(attributes["x"], {"a": 1, "b": [1.5, -2, true, nil], "c": {}})',
    'set(attributes["x"], Split(attributes["y"], ",")[0])',
    'set(attributes["x"], ParseJSON(body)["a"]["b"])',
    'replace_pattern(name, "^kube_([0-9A-Za-z]+_)", "k8s.$1.", SHA256, "k8s.%s")',
    'limit(target = attributes, limit = 100, priority_keys = ["a"])',
    'set(attributes["n"], (1 + 2) * 3 - -4 / 2)',
    'set(attributes["min"], -9223372036854775808)',
    'set(trace_id, 0x0102030405060708090a0b0c0d0e0f10)',
    'set(attributes["x"], "a \\"quoted\\" \\\\ string")',
    'set(name, "x") where not (kind == SPAN_KIND_SERVER or IsMatch(name, "a")) and true',
  ];
  for (const s of valid) it(`parses ${s}`, () => assert.doesNotThrow(() => parseStatement(s)));

  it('builds the tree with and above or, comparisons below, math below them', () => {
    const e = parseCondition('a.b == 1 or c.d < 2 + 3 * 4 and not e.f != nil');
    assert.equal(e.type, 'logic');
    assert.ok(e.type === 'logic' && e.op === 'or');
    const right = e.type === 'logic' ? e.right : e;
    assert.ok(right.type === 'logic' && right.op === 'and');
    const cmp = right.type === 'logic' ? right.left : right;
    assert.ok(cmp.type === 'compare' && cmp.op === '<');
    const sum = cmp.type === 'compare' ? cmp.right : cmp;
    assert.ok(sum.type === 'math' && sum.op === '+' && sum.right.type === 'math' && sum.right.op === '*');
  });

  it('reads paths with keys, enums, bytes, floats and negative literals', () => {
    const e = parseCondition('resource.attributes["k"][0] == -1.5e3');
    assert.ok(e.type === 'compare');
    assert.deepEqual(e.type === 'compare' && e.left.type === 'path' && e.left.names, ['resource', 'attributes']);
    assert.deepEqual(e.type === 'compare' && e.right, { type: 'float', value: -1500, pos: 31 });
    const en = parseCondition('kind == SPAN_KIND_SERVER');
    assert.ok(en.type === 'compare' && en.right.type === 'enum' && en.right.name === 'SPAN_KIND_SERVER');
  });

  // [statement, column, message]: the column is 1-based, pointing at the offending token.
  const invalid: [string, number, RegExp][] = [
    ['set(attributes["x"], 1 where name == "a"', 24, /expected ',' or '\)' but found 'where'/],
    ['set(name, "x") where', 21, /expected a value but found end of statement/],
    ['set(name, "x") name == "a"', 16, /expected end of statement but found 'name'/],
    ['Set(name, "x")', 1, /'Set' is a converter; a statement starts with an editor/],
    ['name == "x"', 1, /expected an editor call/],
    ['set(name, concat(["a"], ""))', 11, /'concat' is an editor; only converters/],
    ['set(name, "unterminated)', 11, /unterminated string/],
    ['set(name, "bad \\q escape")', 16, /unknown escape '\\q'/],
    ['set(name, 0x123)', 11, /even number of hex digits/],
    ['set(name, "x") where name', 22, /path name is not a condition/],
    ['set(name, "x") where 1 < 2 < 3', 28, /comparisons cannot be chained/],
    ['set(name, "x") where (name == "a") + 1 == 2', 22, /a condition cannot be an operand/],
    ['set(attributes["a"].b, 1)', 20, /keys last/],
    ['set(name, "x") where name == "a" and', 37, /expected a value but found end of statement/],
    ['set(name, {"a" 1})', 16, /expected ':' but found '1'/],
    ['set(name, {a: 1})', 12, /expected a string key but found 'a'/],
    ['set(name, [1, 2)', 16, /expected ',' or '\]' but found '\)'/],
    ['set(name, "x") where name == "a" @', 34, /unexpected character '@'/],
    ['set(a = name, "x")', 15, /positional arguments must come before named ones/],
    ['set(name, "x") where not 1', 26, /this value is not a condition/],
    ['set(name, 9223372036854775808)', 11, /9223372036854775808 does not fit in a 64-bit int/],
    ['set(name, -9223372036854775809)', 11, /-9223372036854775809 does not fit in a 64-bit int/],
  ];
  for (const [src, col, msg] of invalid) {
    it(`refuses ${src} at col ${col}`, () => {
      const err = errorOf(() => parseStatement(src));
      assert.match(err.message, msg);
      assert.equal(err.col, col, err.message);
      assert.ok(err.message.startsWith(`col ${col}: `));
      assert.equal(err.statement, src);
    });
  }

  it('refuses nesting deeper than 100 instead of exhausting the stack', () => {
    for (const deep of ['('.repeat(100000), 'not '.repeat(100000), '-'.repeat(100000), '['.repeat(100000)]) {
      const err = errorOf(() => parseStatement(`set(name, ${deep}`));
      assert.match(err.message, /nested more than 100 deep/);
    }
  });

  it('refuses conditions that are not boolean, with the column', () => {
    const err = errorOf(() => parseCondition('attributes["x"]'));
    assert.equal(err.col, 1);
    assert.match(err.message, /not a condition/);
    assert.equal(errorOf(() => parseCondition('name == "a" extra')).col, 13);
  });
});

describe('OTTL parser fuzzing', () => {
  // A deterministic generator (seeded), so a failure reproduces: random token soups and mutations of valid
  // statements must either parse or fail with an OttlError, never anything else and never hang.
  // mulberry32: small, and good enough that every seed explores.
  let seed = 0x5eed;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const pieces = [
    'set',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    ',',
    '.',
    ':',
    '=',
    '==',
    '!=',
    '<',
    '>=',
    '+',
    '-',
    '*',
    '/',
    'where',
    'and',
    'or',
    'not',
    'nil',
    'true',
    'false',
    '"s"',
    '"',
    '\\',
    '1',
    '1.5',
    '0x0a',
    '0x',
    'name',
    'attributes',
    'IsMatch',
    'SPAN_KIND_SERVER',
    '@',
    ' ',
    '"\\',
    '1e',
    '.5',
    'resource',
    '#',
    '\u00e9',
    '\n',
  ];
  it('never crashes on 5000 random token sequences or mutated statements', () => {
    for (let i = 0; i < 5000; i++) {
      let src: string;
      if (i % 2 === 0) {
        src = Array.from({ length: 1 + rand(20) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '');
      } else {
        const base =
          'set(attributes["x"], Concat([name, "y"], "-")) where kind == SPAN_KIND_SERVER and not (1 + 2 > 3)';
        const at = rand(base.length);
        src = base.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + base.slice(at + rand(4));
      }
      for (const parse of [parseStatement, parseCondition]) {
        try {
          parse(src);
        } catch (err) {
          assert.ok(err instanceof OttlError, `${JSON.stringify(src)} threw ${String(err)}`);
          assert.ok(err.col >= 1 && err.col <= src.length + 1, `${JSON.stringify(src)}: col ${err.col}`);
        }
      }
    }
  });
});
