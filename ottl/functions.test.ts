// Every converter and editor, on the examples of the Collector's pkg/ottl/ottlfuncs documentation (adapted to the
// data below), plus the edge cases the documentation states (nil, wrong types, bad arguments at load time).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { anyValue, logRecord, resource, scope, span, valueOf } from '../core/pdata/index.ts';
import type { TransformContext } from './index.ts';
import { compileGroup } from './index.ts';

function logCtx(attrs: Record<string, unknown> = {}, body?: unknown): TransformContext {
  return {
    resource: resource({ 'service.name': 'api', 'http.method': 'GET' }),
    scope: scope(),
    log: logRecord({
      attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(v as never) })),
      ...(body === undefined ? {} : { body: anyValue(body as never) }),
    }),
  };
}

/** Runs `set(log.attributes["out"], <expr>)` and returns what was stored (undefined: nothing was set). */
function value(expr: string, ctx = logCtx({ path: '/users/12', n: 5n, tags: ['a'] }, 'hello world')): unknown {
  const g = compileGroup({ statements: [`set(log.attributes["out"], ${expr})`] }, 'logs');
  g.statements[0]?.run(ctx);
  return valueOf(ctx.log?.attributes.find((kv) => kv.key === 'out')?.value);
}

function edit(statement: string, ctx: TransformContext): Record<string, unknown> {
  const g = compileGroup({ statements: [statement] }, 'logs');
  g.statements[0]?.run(ctx);
  return valueOf({ kvlistValue: { values: ctx.log?.attributes ?? [] } }) as Record<string, unknown>;
}

const refuses = (statement: string, msg: RegExp) =>
  assert.throws(() => compileGroup({ statements: [statement] }, 'logs'), msg);

describe('converters', () => {
  const table: [string, unknown][] = [
    ['IsMatch(log.attributes["path"], "^/users/\\\\d+$")', true],
    ['IsMatch("string", ".*ring")', true],
    ['IsMatch(log.attributes["n"], "^5$")', true],
    ['IsMatch(log.attributes["missing"], ".*")', false],
    ['IsMatch("ABC", "(?i)abc")', true],
    ['IsMatch("abc", "\\\\Aab")', true],
    ['IsMatch("abc", "bc\\\\z")', true],
    ['IsMatch("abc", "\\\\Abc")', false],
    ['Concat([log.attributes["path"], "/list"], "")', '/users/12/list'],
    ['Concat(["HTTP method is: ", resource.attributes["http.method"]], "")', 'HTTP method is: GET'],
    ['Concat([log.body, 1], " ")', 'hello world 1'],
    ['Concat(["a", log.attributes["missing"], log.attributes["tags"]], "-")', 'a-<nil>'],
    ['Split("A|B|C", "|")', ['A', 'B', 'C']],
    ['Split(log.body, " ")[1]', 'world'],
    ['Int(1.9)', 1n],
    ['Int("42")', 42n],
    ['Int(true)', 1n],
    ['Int("1.5")', undefined],
    ['Int("9223372036854775808")', undefined],
    ['Int(1e30)', undefined],
    ['Double(1)', 1],
    ['Double("1.5")', 1.5],
    ['Double(false)', 0],
    ['Double("x")', undefined],
    ['String(1.5)', '1.5'],
    ['String(false)', 'false'],
    ['String([1, 2, 3])', '[1,2,3]'],
    ['String(0x0102)', '0102'],
    ['Len(log.body)', 11n],
    ['Len(log.attributes["tags"])', 1n],
    ['Len(log.attributes)', 3n],
    ['ToLowerCase("MyMetricName")', 'mymetricname'],
    ['ToUpperCase("MyMetricName")', 'MYMETRICNAME'],
    ['Substring("123456789", 0, 3)', '123'],
    ['Substring("一二三", 0, 4, true)', '一'],
    ['SHA256("name")', createHash('sha256').update('name').digest('hex')],
    ['ParseJSON("{\\"a\\": {\\"b\\": [1, 2.5]}, \\"c\\": null}")', { a: { b: [1, 2.5] }, c: undefined }],
    ['UnixNano(Time("02/04/2023", "%m/%d/%Y"))', 1675468800000000000n],
    ['UnixNano(Time("Feb 15, 2023", "%b %d, %Y"))', 1676419200000000000n],
    ['UnixNano(Time("2023-05-26 12:34:56 HST", "%Y-%m-%d %H:%M:%S %Z"))', 1685104496000000000n],
    ['UnixNano(Time("2012-11-01T22:08:41+0000 EST", "%Y-%m-%dT%H:%M:%S%z %Z"))', 1351807721000000000n],
    ['UnixNano(Time("2023-05-26 12:34:56", "%Y-%m-%d %H:%M:%S", "America/New_York"))', 1685118896000000000n],
    ['UnixNano(Time("2023-01-02T03:04:05.123456789-07:00", "%Y-%m-%dT%H:%M:%S.%s%j"))', 1672653845123456789n],
    ['UnixNano(Time("Mon Jan  2 15:04:05 2006", "%c"))', 1136214245000000000n],
  ];
  for (const [expr, want] of table) it(`${expr} gives ${String(want)}`, () => assert.deepEqual(value(expr), want));

  it('Now() is the wall clock', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const got = value('UnixNano(Now())') as bigint;
    assert.ok(got >= before && got <= BigInt(Date.now()) * 1_000_000n);
  });

  it('fails at run time where the documentation says it errors', () => {
    for (const expr of [
      'ToLowerCase(log.attributes["n"])',
      'Split(log.attributes["missing"], ",")',
      'Substring("abc", 2, 5)',
      'SHA256(log.attributes["n"])',
      'ParseJSON("{nope")',
      'Time("yesterday", "%Y-%m-%d")',
      'UnixNano("2020")',
      'Len(log.attributes["n"])',
    ])
      assert.throws(() => value(expr), Error, expr);
  });

  it('refuses bad arguments at load time', () => {
    refuses('set(log.body, IsMatch(log.body, "("))', /invalid regex/);
    refuses('set(log.body, IsMatch(log.body, "(?=x)"))', /lookarounds are not RE2/);
    refuses('set(log.body, IsMatch(log.body, log.body))', /pattern must be a string literal/);
    refuses('set(log.body, Time(log.body, "%Q"))', /unsupported directive %Q/);
    refuses('set(log.body, Time(log.body, "%Y", "Mars/Olympus"))', /unknown time zone/);
    refuses('set(log.body, Time(log.body, "%Y", "", "it"))', /locale "it" is not supported/);
    refuses('set(log.body, Concat(log.body, ""))', /vals must be a list/);
    refuses('set(log.body, Nope(1))', /unknown converter Nope/);
    refuses('set(log.body, ToLowerCase())', /ToLowerCase needs argument target/);
    refuses('set(log.body, ToLowerCase("a", "b"))', /takes at most 1 argument/);
    refuses('set(log.body, ToLowerCase(nope = "a"))', /has no parameter nope/);
  });
});

describe('editors', () => {
  it('set: copies values, leaves the target alone on nil', () => {
    const c = logCtx({ a: 1n });
    assert.deepEqual(edit('set(log.attributes["b"], log.attributes["a"])', c), { a: 1n, b: 1n });
    assert.deepEqual(edit('set(log.attributes["a"], log.attributes["missing"])', c), { a: 1n, b: 1n });
    assert.deepEqual(edit('set(log.attributes, {"only": "this"})', c), { only: 'this' });
  });

  it('delete_key, delete_matching_keys, keep_keys', () => {
    const c = logCtx({
      'http.request.header.authorization': 'x',
      password: 'p',
      user_PASSWORD: 'q',
      'http.method': 'GET',
      keep: 1n,
    });
    assert.deepEqual(Object.keys(edit('delete_key(log.attributes, "http.request.header.authorization")', c)), [
      'password',
      'user_PASSWORD',
      'http.method',
      'keep',
    ]);
    assert.deepEqual(Object.keys(edit('delete_matching_keys(log.attributes, "(?i).*password.*")', c)), [
      'http.method',
      'keep',
    ]);
    assert.deepEqual(edit('keep_keys(log.attributes, ["http.method"])', c), { 'http.method': 'GET' });
    assert.deepEqual(edit('delete_key(resource.attributes, "http.method")', c), { 'http.method': 'GET' });
    assert.deepEqual(valueOf({ kvlistValue: { values: c.resource.attributes } }), { 'service.name': 'api' });
  });

  it('limit keeps priority keys first and at most limit keys', () => {
    const c = logCtx({ a: 1n, b: 2n, 'http.host': 'h', c: 3n, 'http.method': 'GET' });
    assert.deepEqual(Object.keys(edit('limit(log.attributes, 3, ["http.host", "http.method"])', c)), [
      'a',
      'http.host',
      'http.method',
    ]);
    assert.deepEqual(Object.keys(edit('limit(log.attributes, 0, [])', c)), []);
    refuses('limit(log.attributes, -1, [])', /limit cannot be negative/);
    refuses('limit(log.attributes, 1, ["a", "b"])', /2 priority keys do not fit in limit 1/);
  });

  it('truncate_all cuts string values at UTF-8 boundaries, with a marker inside the limit', () => {
    const c = logCtx({ s: 'abcdefgh', u: 'ééé', n: 12345n });
    assert.deepEqual(edit('truncate_all(log.attributes, 3)', c), { s: 'abc', u: 'é', n: 12345n });
    const d = logCtx({ s: 'abcdefghij' });
    assert.deepEqual(edit('truncate_all(log.attributes, 8, truncation_marker = "...")', d), { s: 'abcde...' });
    refuses('truncate_all(log.attributes, 2, false, "(...)")', /truncation_marker is longer than limit/);
  });

  it('replace_pattern: regexp.Expand groups, function and format', () => {
    const c = logCtx({ cmd: 'run password=secret now' }, 'kube_pod_status');
    assert.deepEqual(
      edit('replace_pattern(log.attributes["cmd"], "password\\\\=[^\\\\s]*(\\\\s?)", "password=***")', c),
      { cmd: 'run password=***now' },
    );
    edit('replace_pattern(log.body, "^kube_([0-9A-Za-z]+_)", "k8s.$1.")', c);
    assert.deepEqual(c.log?.body, { stringValue: 'k8s.pod_.status' });
    const d = logCtx({}, 'kube_pod_status');
    edit('replace_pattern(log.body, "^kube_([0-9A-Za-z]+_)", "$1.", SHA256, "k8s.%s")', d);
    const hash = createHash('sha256').update('pod_.').digest('hex');
    assert.deepEqual(d.log?.body, { stringValue: `k8s.${hash}status` });
    const e = logCtx({ n: 5n });
    assert.deepEqual(edit('replace_pattern(log.attributes["n"], "5", "6")', e), { n: 5n });
    refuses('replace_pattern(log.body, "a", "b", "%s")', /function must name a converter/);
    refuses('replace_pattern(log.body, "a", "b", SHA256, "no-verb")', /replacement_format must contain %s/);
    refuses('replace_pattern(log.attributes, "a", "b", Concat)', /function must name a converter of one argument/);
  });

  it('replace_all_patterns on values and keys', () => {
    const c = logCtx({ url: '/account/1234/x', kube_pod_name: 'p', n: 1n });
    assert.deepEqual(
      edit('replace_all_patterns(log.attributes, "value", "/account/\\\\d{4}", "/account/{accountId}")', c),
      {
        url: '/account/{accountId}/x',
        kube_pod_name: 'p',
        n: 1n,
      },
    );
    assert.deepEqual(
      Object.keys(edit('replace_all_patterns(log.attributes, "key", "^kube_([0-9A-Za-z]+_)", "k8s.$1.")', c)),
      ['url', 'k8s.pod_.name', 'n'],
    );
    refuses('replace_all_patterns(log.attributes, "both", "a", "b")', /mode must be "key" or "value"/);
  });

  it('replace_match with filepath.Match patterns', () => {
    const c = logCtx({ t: '/user/123/list/9', other: '/user/1/2/list/3' });
    edit('replace_match(log.attributes["t"], "/user/*/list/*", "/user/{userId}/list/{listId}")', c);
    edit('replace_match(log.attributes["other"], "/user/*/list/*", "x")', c);
    assert.deepEqual(edit('replace_match(log.attributes["none"], "*", "x")', c), {
      t: '/user/{userId}/list/{listId}',
      other: '/user/1/2/list/3',
    });
    const d = logCtx({ t: '/user/1/list/2' });
    const hash = createHash('sha256').update('/user/{userId}/list/{listId}').digest('hex');
    assert.deepEqual(
      edit(
        'replace_match(log.attributes["t"], "/user/*/list/*", "/user/{userId}/list/{listId}", SHA256, "/user/%s")',
        d,
      ),
      { t: `/user/${hash}` },
    );
  });

  it('merge_maps with insert, update and upsert', () => {
    const mk = () => logCtx({ a: 'old', keep: 1n }, '{"a": "new", "b": "added"}');
    assert.deepEqual(edit('merge_maps(log.attributes, ParseJSON(log.body), "insert")', mk()), {
      a: 'old',
      keep: 1n,
      b: 'added',
    });
    assert.deepEqual(edit('merge_maps(log.attributes, ParseJSON(log.body), "update")', mk()), { a: 'new', keep: 1n });
    assert.deepEqual(edit('merge_maps(log.attributes, ParseJSON(log.body), "upsert")', mk()), {
      a: 'new',
      keep: 1n,
      b: 'added',
    });
    assert.deepEqual(edit('merge_maps(log.attributes, resource.attributes, "insert")', logCtx()), {
      'service.name': 'api',
      'http.method': 'GET',
    });
    refuses('merge_maps(log.attributes, resource.attributes, "merge")', /strategy must be insert, update or upsert/);
  });

  it('append to a list, a scalar, or nothing', () => {
    const c = logCtx({ tags: ['staging'], one: 'x' });
    assert.deepEqual(edit('append(log.attributes["tags"], "prod")', c).tags, ['staging', 'prod']);
    assert.deepEqual(edit('append(log.attributes["tags"], values = ["staging", "staging:east"])', c).tags, [
      'staging',
      'prod',
      'staging',
      'staging:east',
    ]);
    assert.deepEqual(edit('append(log.attributes["one"], "y")', c).one, ['x', 'y']);
    assert.deepEqual(edit('append(log.attributes["tags_copy"], log.attributes["tags"])', c).tags_copy, [
      ['staging', 'prod', 'staging', 'staging:east'],
    ]);
    refuses('append(log.attributes["tags"])', /append needs value or values/);
  });

  it('where clauses gate the editor', () => {
    const c = logCtx({ a: 1n });
    assert.deepEqual(edit('set(log.attributes["b"], 2) where log.attributes["a"] == 2', c), { a: 1n });
    assert.deepEqual(edit('set(log.attributes["b"], 2) where log.attributes["a"] == 1', c), { a: 1n, b: 2n });
    assert.throws(
      () => edit('set(log.attributes["b"], 2) where Concat(["a"], "")', c),
      /where clause gave string, not a bool/,
    );
  });

  it('editors refuse a target of the wrong kind', () => {
    refuses('set(Concat([log.body], ""), 1)', /target must be a path/);
    assert.throws(
      () => edit('delete_key(log.body, "x")', logCtx({}, 'text')),
      /delete_key: expected a map but got string/,
    );
    const sp = { resource: resource(), scope: scope(), span: span() };
    assert.throws(
      () => compileGroup({ statements: ['keep_keys(span.attributes, "a")'] }, 'traces'),
      /keys must be a list of strings/,
    );
    assert.doesNotThrow(() =>
      compileGroup({ statements: ['keep_keys(span.attributes, ["a"])'] }, 'traces').statements[0]?.run(sp),
    );
  });
});
