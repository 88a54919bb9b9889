// Fuzzing past the parser: random statements built from real paths, literals, converters and editors must compile
// or be refused with a located error, and a compiled one must run or fail with an OttlRuntimeError, never anything
// else (a TypeError would be a bug the processors' error_mode would hide). Seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyValue, fromHex, logRecord, resource, scope, span } from '../core/pdata/index.ts';
import type { TransformContext } from './index.ts';
import { FUNCTIONS } from './functions/index.ts';
import type { FunctionDef } from './functions/types.ts';
import { GroupError, OttlRuntimeError, compileGroup } from './index.ts';

// mulberry32: small, and good enough that every seed explores (an LCG's low bits cycle).
let seed = Number(process.env.FUZZ_SEED ?? 0xc0ffee);
const rand = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;

const PATHS = [
  'span.name',
  'span.kind',
  'span.attributes',
  'span.attributes["a"]',
  'span.attributes["m"]["k"]',
  'span.events',
  'span.trace_id',
  'span.trace_id.string',
  'span.start_time',
  'span.end_time_unix_nano',
  'span.status.code',
  'resource.attributes["service.name"]',
  'scope.name',
  'spanevent.name',
  'spanevent.attributes',
  'spanevent.time',
  'span.attributes["l"]',
  'span.attributes["l"][0]',
  'span.attributes["l"][5]',
  'span.dropped_attributes_count',
];
const LITERALS = [
  '"x"',
  '""',
  '1',
  '-3',
  '2.5',
  'true',
  'nil',
  '0x0a',
  '[1, "a"]',
  '{"k": 1}',
  'SPAN_KIND_SERVER',
  '[]',
];
const FUNCS = [...FUNCTIONS.values()];
const CONVERTERS = FUNCS.filter((f) => f.kind === 'converter');
const EDITORS = FUNCS.filter((f) => f.kind === 'editor');
const STRINGS = ['"a.*"', '"%Y-%m-%d"', '"key"', '"upsert"', '"value"', '"/a/*"', '"$1"', '"("'];

/** Mostly well-typed arguments for `f` (so that many statements compile), sometimes anything. */
function callArgs(f: FunctionDef, depth: number): string {
  const out: string[] = [];
  for (const p of f.params) {
    if (p.optional && rand(2) === 0) break;
    if (rand(8) === 0) out.push(value(depth));
    else if (p.type === 'setter') out.push(pick(PATHS));
    else if (p.type === 'string') out.push(pick(STRINGS));
    else if (p.type === 'int') out.push(String(rand(5)));
    else if (p.type === 'bool') out.push(pick(['true', 'false']));
    else if (p.type === 'strings') out.push('["a", "m"]');
    else if (p.type === 'getters') out.push(`[${args(depth + 1)}]`);
    else if (p.type === 'function') out.push(pick(['SHA256', 'ToLowerCase', 'Len']));
    else out.push(value(depth));
  }
  return out.join(', ');
}

function value(depth: number): string {
  const r = rand(depth > 2 ? 2 : 5);
  if (r === 0) return pick(PATHS);
  if (r === 1) return pick(LITERALS);
  if (r === 2) {
    const f = pick(CONVERTERS);
    return `${f.name}(${callArgs(f, depth + 1)})`;
  }
  if (r === 3) return `${value(depth + 1)} ${pick(['+', '-', '*', '/'])} ${value(depth + 1)}`;
  return `[${args(depth + 1)}]`;
}

function args(depth: number): string {
  return Array.from({ length: rand(4) }, () => value(depth)).join(', ');
}

function condition(): string {
  const cmp = `${value(1)} ${pick(['==', '!=', '<', '>=', '<='])} ${value(1)}`;
  const f = pick(CONVERTERS);
  return rand(3) === 0 ? `not (${cmp}) or ${f.name}(${callArgs(f, 1)})` : cmp;
}

function ctx(): TransformContext {
  const s = span({
    name: 'GET /a',
    traceId: fromHex('0102030405060708090a0b0c0d0e0f10'),
    attributes: [
      { key: 'a', value: { stringValue: 'A' } },
      { key: 'm', value: anyValue({ k: 'v', n: 1 }) },
      { key: 'l', value: anyValue([1, 'two']) },
    ],
    events: [{ name: 'e', timeUnixNano: 1n, attributes: [], droppedAttributesCount: 0 }],
  });
  return { resource: resource({ 'service.name': 'svc' }), scope: scope('lib'), span: s, spanevent: s.events[0] };
}

describe('OTTL compile and run fuzzing', () => {
  it('3000 random statements compile or are refused with a position, and run or fail with OttlRuntimeError', () => {
    let compiled = 0;
    let ran = 0;
    for (let i = 0; i < 3000; i++) {
      const editor = pick(EDITORS);
      const text = `${editor.name}(${callArgs(editor, 0)})${rand(2) ? ` where ${condition()}` : ''}`;
      let statement;
      try {
        statement = compileGroup({ statements: [text] }, 'traces').statements[0];
      } catch (err) {
        assert.ok(err instanceof GroupError, `${text} threw ${String(err)}`);
        if (process.env.FUZZ_DEBUG) console.log(err.message.replace(/ \(.*/, ''));
        continue;
      }
      compiled++;
      try {
        statement?.run(ctx());
        ran++;
      } catch (err) {
        assert.ok(err instanceof OttlRuntimeError, `${text} threw at run time ${String((err as Error).stack)}`);
        if (process.env.FUZZ_DEBUG) console.log('RUN', text, '=>', err.message);
      }
    }
    // The generator must reach the evaluator often enough to be worth something.
    if (process.env.FUZZ_DEBUG) console.log({ compiled, ran });
    assert.ok(compiled > 1000, `compiled ${compiled}`);
    assert.ok(ran > 200, `ran ${ran}`);
  });

  it('logs: random conditions on a log record never throw anything but OttlRuntimeError', () => {
    const c: TransformContext = {
      resource: resource(),
      scope: scope(),
      log: logRecord({ body: anyValue({ msg: 'hi', n: [1, 2] }), severityNumber: 9 }),
    };
    const paths = [
      'log.body',
      'log.body["msg"]',
      'log.body["n"][1]',
      'log.severity_number',
      'log.body.string',
      'log.attributes',
    ];
    for (let i = 0; i < 1000; i++) {
      const text = `${pick(paths)} ${pick(['==', '<', '!='])} ${rand(2) ? pick(paths) : pick(LITERALS.filter((l) => !l.startsWith('SPAN')))}`;
      const g = compileGroup({ conditions: [text] }, 'logs');
      try {
        g.conditions[0]?.test(c);
      } catch (err) {
        assert.ok(err instanceof OttlRuntimeError, `${text}: ${String(err)}`);
      }
    }
  });
});
