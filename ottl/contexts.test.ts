// Evaluation per context: every path reads what the pdata holds and writes back in the pdata's own shape; higher
// contexts are reachable from lower ones; enums and typed comparisons behave as the Collector's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyValue } from '../core/pdata/index.ts';
import {
  anyValue,
  fromHex,
  getAttribute,
  logRecord,
  metric,
  numberPoint,
  resource,
  scope,
  span,
} from '../core/pdata/index.ts';
import type { ContextName, SignalName, TransformContext } from './index.ts';
import { GroupError, OttlRuntimeError, compileGroup } from './index.ts';

const run = (signal: SignalName, context: ContextName, ctx: TransformContext, ...statements: string[]) => {
  for (const s of compileGroup({ statements, context }, signal).statements) s.run(ctx);
};
const holds = (signal: SignalName, context: ContextName, ctx: TransformContext, condition: string) =>
  compileGroup({ conditions: [condition], context }, signal).conditions[0]?.test(ctx);

const TRACE = '0102030405060708090a0b0c0d0e0f10';

function spanCtx(): TransformContext {
  const s = span({
    name: 'GET /users',
    kind: 2,
    traceId: fromHex(TRACE),
    spanId: fromHex('a1a2a3a4a5a6a7a8'),
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 3_500_000_000n,
    attributes: [{ key: 'http.status', value: { intValue: 503n } }],
    events: [{ name: 'retry', timeUnixNano: 2_000_000_000n, attributes: [], droppedAttributesCount: 0 }],
  });
  const sc = scope('io.otel.http', '1.2.0');
  return {
    resource: resource({ 'service.name': 'api', 'host.name': 'edge-1' }),
    scope: sc,
    span: s,
    spanevent: s.events[0],
  };
}

describe('span context', () => {
  const reads: [string, boolean][] = [
    ['name == "GET /users"', true],
    ['kind == SPAN_KIND_SERVER', true],
    ['kind == 2', true],
    ['status.code == STATUS_CODE_UNSET', true],
    ['attributes["http.status"] >= 500', true],
    ['attributes["http.status"] == 503.0', true],
    ['attributes["missing"] == nil', true],
    ['attributes["missing"] != nil', false],
    ['trace_id.string == "0102030405060708090a0b0c0d0e0f10"', true],
    ['trace_id == 0x0102030405060708090a0b0c0d0e0f10', true],
    ['span_id.string == "a1a2a3a4a5a6a7a8"', true],
    ['parent_span_id.string == ""', true],
    ['start_time_unix_nano == 1000000000', true],
    ['end_time - start_time == end_time - start_time', true],
    ['UnixNano(end_time) - UnixNano(start_time) == 2500000000', true],
    ['end_time > start_time', true],
    ['Len(events) == 1', true],
    ['events[0]["name"] == "retry"', true],
    ['resource.attributes["service.name"] == "api"', true],
    ['instrumentation_scope.name == "io.otel.http"', true],
    ['scope.version == "1.2.0"', true],
    ['span.name == "GET /users"', true],
    ['dropped_attributes_count == 0', true],
    ['kind.string == "Server"', true],
    ['trace_state["vendor"] == nil', true],
  ];
  for (const [cond, want] of reads)
    it(`${cond} is ${want}`, () => assert.equal(holds('traces', 'span', spanCtx(), cond), want));

  it('writes every settable field in the pdata shape', () => {
    const ctx = spanCtx();
    run(
      'traces',
      'span',
      ctx,
      'set(name, "renamed")',
      'set(kind, SPAN_KIND_CLIENT)',
      'set(status.code, STATUS_CODE_ERROR)',
      'set(status.message, "boom")',
      'set(attributes["copied"], resource.attributes["host.name"])',
      'set(trace_id.string, "ffffffffffffffffffffffffffffffff")',
      'set(start_time_unix_nano, 5)',
      'set(end_time, Time("2023-02-04", "%Y-%m-%d"))',
      'set(resource.attributes["touched"], true)',
      'set(dropped_attributes_count, 7)',
      'set(trace_state, "a=1,vendor=old")',
      'set(trace_state["vendor"], "new")',
      'set(attributes["a.state"], trace_state["a"])',
    );
    const s = ctx.span!;
    assert.equal(s.name, 'renamed');
    assert.equal(s.kind, 3);
    assert.deepEqual(s.status, { code: 2, message: 'boom' });
    assert.equal(getAttribute(s.attributes, 'copied'), 'edge-1');
    assert.equal(Buffer.from(s.traceId).toString('hex'), 'f'.repeat(32));
    assert.equal(s.startTimeUnixNano, 5n);
    assert.equal(s.endTimeUnixNano, 1675468800000000000n);
    assert.equal(getAttribute(ctx.resource.attributes, 'touched'), true);
    assert.equal(s.droppedAttributesCount, 7);
    assert.equal(s.traceState, 'vendor=new,a=1');
    assert.equal(getAttribute(s.attributes, 'a.state'), '1');
    run('traces', 'span', ctx, 'set(kind.string, "Consumer")');
    assert.equal(s.kind, 5);
  });

  it('refuses a wrong type at run time and a read-only path at load time', () => {
    assert.throws(() => run('traces', 'span', spanCtx(), 'set(name, 1)'), OttlRuntimeError);
    assert.throws(() => run('traces', 'span', spanCtx(), 'set(trace_id.string, "abc")'), /32 hex digits/);
    assert.throws(
      () => run('traces', 'span', spanCtx(), 'set(dropped_attributes_count, -1)'),
      /out of range \(0 to 4294967295\)/,
    );
    assert.throws(
      () => run('traces', 'span', spanCtx(), 'set(start_time_unix_nano, -5)'),
      /not a time since the epoch/,
    );
    assert.throws(
      () => run('traces', 'span', spanCtx(), 'set(events, [])'),
      (e: unknown) => e instanceof GroupError && /cannot be set/.test(e.message),
    );
  });
});

describe('spanevent context', () => {
  it('reads and writes the event, and reaches its span', () => {
    const ctx = spanCtx();
    assert.equal(holds('traces', 'spanevent', ctx, 'name == "retry" and span.name == "GET /users"'), true);
    assert.equal(holds('traces', 'spanevent', ctx, 'time_unix_nano == 2000000000'), true);
    run('traces', 'spanevent', ctx, 'set(attributes["span"], span.name)', 'set(name, "retried")');
    assert.equal(ctx.spanevent!.name, 'retried');
    assert.equal(getAttribute(ctx.spanevent!.attributes, 'span'), 'GET /users');
  });

  it('refuses a path of a context it cannot reach', () => {
    assert.throws(
      () => compileGroup({ conditions: ['log.body == "x"'], context: 'span' }, 'traces'),
      /the span context cannot reach log/,
    );
    assert.throws(
      () => compileGroup({ conditions: ['spanevent.name == "x"'], context: 'span' }, 'traces'),
      /cannot reach spanevent/,
    );
  });
});

describe('log context', () => {
  const ctx = (): TransformContext => ({
    resource: resource({ 'service.name': 'api' }),
    scope: scope(),
    log: logRecord({
      body: anyValue({ msg: 'hello', level: 'warn', nested: { a: [1, 2] } }),
      severityNumber: 13,
      severityText: 'WARN',
      timeUnixNano: 10n,
      observedTimeUnixNano: 20n,
      traceId: fromHex(TRACE),
      flags: 1,
    }),
  });
  const reads: [string, boolean][] = [
    ['body["msg"] == "hello"', true],
    ['body["nested"]["a"][1] == 2', true],
    ['IsMatch(body.string, "\\"level\\":\\"warn\\"")', true],
    ['severity_number == SEVERITY_NUMBER_WARN', true],
    ['severity_number >= SEVERITY_NUMBER_INFO and severity_number < SEVERITY_NUMBER_ERROR', true],
    ['severity_text == "WARN"', true],
    ['time_unix_nano == 10 and observed_time_unix_nano == 20', true],
    ['observed_time > time', true],
    ['trace_id.string == "0102030405060708090a0b0c0d0e0f10"', true],
    ['span_id == 0x', true],
    ['flags == 1', true],
    ['log.attributes == {}', true],
  ];
  for (const [cond, want] of reads)
    it(`${cond} is ${want}`, () => assert.equal(holds('logs', 'log', ctx(), cond), want));

  it('writes the body (any type), nested keys and the severity', () => {
    const c = ctx();
    run(
      'logs',
      'log',
      c,
      'set(body["nested"]["b"], "new")',
      'set(severity_number, SEVERITY_NUMBER_ERROR2)',
      'set(attributes["deep"]["x"], 1)',
    );
    assert.deepEqual(
      (c.log!.body as { kvlistValue: { values: { key: string; value: AnyValue }[] } }).kvlistValue.values[2],
      {
        key: 'nested',
        value: anyValue({ a: [1, 2], b: 'new' }),
      },
    );
    assert.equal(c.log!.severityNumber, 18);
    assert.deepEqual(c.log!.attributes, [{ key: 'deep', value: anyValue({ x: 1 }) }]);
    run('logs', 'log', c, 'set(body, "plain")');
    assert.deepEqual(c.log!.body, { stringValue: 'plain' });
  });
});

describe('metric and datapoint contexts', () => {
  const ctx = (): TransformContext => {
    const p = numberPoint(42n, 100n, [{ key: 'tenant', value: { stringValue: 'a' } }]);
    const m = metric({
      name: 'requests',
      unit: '1',
      sum: { dataPoints: [p], aggregationTemporality: 2, isMonotonic: true },
    });
    return { resource: resource(), scope: scope(), metric: m, datapoint: p };
  };
  const reads: [ContextName, string, boolean][] = [
    ['metric', 'name == "requests" and unit == "1"', true],
    ['metric', 'type == METRIC_DATA_TYPE_SUM', true],
    ['metric', 'aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE', true],
    ['metric', 'is_monotonic == true', true],
    ['datapoint', 'value_int == 42 and value_double == 0.0', true],
    ['datapoint', 'metric.name == "requests" and attributes["tenant"] == "a"', true],
    ['datapoint', 'time_unix_nano == 100 and count == nil', true],
  ];
  for (const [c, cond, want] of reads)
    it(`${c}: ${cond} is ${want}`, () => assert.equal(holds('metrics', c, ctx(), cond), want));

  it('writes values, temporality and metric fields', () => {
    const c = ctx();
    run(
      'metrics',
      'metric',
      c,
      'set(name, Concat([name, "total"], "_"))',
      'set(aggregation_temporality, AGGREGATION_TEMPORALITY_DELTA)',
    );
    run('metrics', 'datapoint', c, 'set(value_double, Double(value_int) / 2)');
    assert.equal(c.metric!.name, 'requests_total');
    assert.equal(c.metric!.sum!.aggregationTemporality, 1);
    assert.equal(c.datapoint!.asDouble, 21);
    assert.equal(c.datapoint!.asInt, undefined);
  });

  it('reads histogram fields and nil for number-only ones', () => {
    const p = {
      attributes: [],
      startTimeUnixNano: 0n,
      timeUnixNano: 1n,
      count: 3,
      sum: 7.5,
      bucketCounts: [1, 2],
      explicitBounds: [5],
      exemplars: [],
      flags: 0,
    };
    const m = metric({ name: 'latency', histogram: { dataPoints: [p], aggregationTemporality: 1 } });
    const c = { resource: resource(), scope: scope(), metric: m, datapoint: p };
    assert.equal(holds('metrics', 'datapoint', c, 'count == 3 and sum == 7.5 and value_int == nil'), true);
    assert.equal(holds('metrics', 'datapoint', c, 'bucket_counts == [1, 2] and explicit_bounds[0] == 5.0'), true);
    assert.equal(holds('metrics', 'metric', c, 'type == METRIC_DATA_TYPE_HISTOGRAM'), true);
  });
});

describe('resource and scope contexts', () => {
  it('reads and writes their attributes and names', () => {
    const c: TransformContext = { resource: resource({ a: 1 }), scope: scope('lib', '1') };
    run('logs', 'resource', c, 'set(attributes["b"], attributes["a"] + 1)');
    run(
      'logs',
      'scope',
      c,
      'set(name, Concat([name, version], "@"))',
      'set(attributes["from"], resource.attributes["b"])',
    );
    assert.equal(getAttribute(c.resource.attributes, 'b'), 2n);
    assert.equal(c.scope!.name, 'lib@1');
    assert.equal(getAttribute(c.scope!.attributes, 'from'), 2n);
  });

  it('refuses enums of another signal and unknown ones at load time', () => {
    assert.throws(
      () => compileGroup({ conditions: ['attributes["x"] == SPAN_KIND_SERVER'], context: 'resource' }, 'logs'),
      /unknown enum SPAN_KIND_SERVER for logs/,
    );
  });
});

describe('typed comparisons', () => {
  const c: TransformContext = { resource: resource() };
  const table: [string, boolean][] = [
    ['1 == 1.0', true],
    ['1 < 1.5', true],
    ['"a" < "b"', true],
    ['"1" == 1', false],
    ['"1" != 1', true],
    ['"1" < 2', false],
    ['true == true', true],
    ['true < false', false],
    ['false < true', true],
    ['true >= true', true],
    ['nil == nil', true],
    ['nil != 1', true],
    ['nil < 1', false],
    ['0x01 < 0x02', true],
    ['[1, "a"] == [1, "a"]', true],
    ['{"a": 1} == {"a": 1}', true],
    ['{"a": 1} != {"a": 2}', true],
    ['[1] < [2]', false],
    ['Now() > Time("2020-01-01", "%Y-%m-%d")', true],
    ['1 + 2 * 3 == 7', true],
    ['7 / 2 == 3', true],
    ['7.0 / 2 == 3.5', true],
    ['-(1 + 1) == -2', true],
    ['9223372036854775807 + 1 == -9223372036854775808', true],
    ['not (1 == 1) or 2 > 1 and false', false],
  ];
  for (const [cond, want] of table)
    it(`${cond} is ${want}`, () => assert.equal(holds('logs', 'resource', c, cond), want));

  it('fails at run time on division by zero and math on strings', () => {
    assert.throws(() => holds('logs', 'resource', c, '1 / 0 == 1'), /division by zero/);
    assert.throws(() => holds('logs', 'resource', c, '"a" + 1 == 1'), /cannot compute string \+ int/);
  });
});

describe('context inference', () => {
  it('takes the lowest context a path prefix names and then wants prefixes everywhere', () => {
    assert.equal(compileGroup({ conditions: ['resource.attributes["a"] == 1'] }, 'traces').context, 'resource');
    assert.equal(
      compileGroup({ conditions: ['resource.attributes["a"] == 1 and span.name == "x"'] }, 'traces').context,
      'span',
    );
    assert.equal(compileGroup({ statements: ['set(spanevent.name, span.name)'] }, 'traces').context, 'spanevent');
    assert.equal(
      compileGroup({ statements: ['set(datapoint.attributes["m"], metric.name)'] }, 'metrics').context,
      'datapoint',
    );
    assert.throws(
      () => compileGroup({ statements: ['set(span.name, name)'] }, 'traces'),
      /path name needs a context prefix/,
    );
    assert.throws(() => compileGroup({ conditions: ['log.body == "x"'] }, 'traces'), /log is not a context of traces/);
    assert.throws(() => compileGroup({ conditions: ['1 == 1'] }, 'traces'), /cannot infer the context/);
  });
});
