// include / exclude, one table per match option, both match types, as the Collector's filterspan, filterlog and
// filtermetric tests describe them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeInput, InstrumentationScope, LogRecord, Resource, Span } from '../../core/pdata/index.ts';
import { attributes, logRecord, metric, resource, scope, span, SpanKind } from '../../core/pdata/index.ts';
import type { MatchProperties } from './match-config.ts';
import { matchIssues } from './match-config.ts';
import { PropertiesMatcher, Selection } from './match-signal.ts';
import { fixedText } from './match-values.ts';

interface Item {
  span?: Partial<Span>;
  log?: Partial<LogRecord>;
  metric?: string;
  attrs?: Record<string, AttributeInput>;
  resource?: Record<string, AttributeInput>;
  scope?: [string, string];
}

function matches(mp: MatchProperties, item: Item): boolean {
  assert.deepEqual(matchIssues(mp, ['include']), [], 'config is valid');
  const m = new PropertiesMatcher(mp);
  const r: Resource = resource(item.resource ?? {});
  const sc: InstrumentationScope = scope(...(item.scope ?? ['', '']));
  const attrs = attributes(item.attrs ?? {});
  if (item.metric !== undefined) return m.metric(metric({ name: item.metric }), r);
  if (item.log) return m.log(logRecord({ ...item.log, attributes: attrs }), r, sc);
  return m.span(span({ ...item.span, attributes: attrs }), r, sc);
}

interface Row {
  name: string;
  mp: MatchProperties;
  yes: Item[];
  no: Item[];
}

const ROWS: Row[] = [
  {
    name: 'services, strict: service.name as text, "<nil-service-name>" when absent',
    mp: { match_type: 'strict', services: ['auth', '<nil-service-name>'] },
    yes: [{ resource: { 'service.name': 'auth' } }, { resource: {} }],
    no: [{ resource: { 'service.name': 'auth2' } }],
  },
  {
    name: 'services, regexp: found anywhere in the name',
    mp: { match_type: 'regexp', services: ['^auth', 'login'] },
    yes: [{ resource: { 'service.name': 'auth-svc' } }, { resource: { 'service.name': 'my-login-svc' } }],
    no: [{ resource: { 'service.name': 'x-auth' } }],
  },
  {
    name: 'span_names, strict and regexp',
    mp: { match_type: 'regexp', span_names: ['^GET /api'] },
    yes: [{ span: { name: 'GET /api/users' } }],
    no: [{ span: { name: 'POST /api/users' } }],
  },
  {
    name: 'span_kinds, strict: the SPAN_KIND_* names',
    mp: { match_type: 'strict', span_kinds: ['SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER'] },
    yes: [{ span: { kind: SpanKind.SERVER } }, { span: { kind: SpanKind.CONSUMER } }],
    no: [{ span: { kind: SpanKind.CLIENT } }, { span: { kind: SpanKind.UNSPECIFIED } }],
  },
  {
    name: 'span_kinds, regexp',
    mp: { match_type: 'regexp', span_kinds: ['CLIENT$|PRODUCER$'] },
    yes: [{ span: { kind: SpanKind.CLIENT } }, { span: { kind: SpanKind.PRODUCER } }],
    no: [{ span: { kind: SpanKind.SERVER } }],
  },
  {
    name: 'attributes, strict: all must be present with equal values and types; no value: presence',
    mp: {
      match_type: 'strict',
      attributes: [{ key: 'env', value: 'prod' }, { key: 'code', value: 200 }, { key: 'flag' }],
    },
    yes: [
      { attrs: { env: 'prod', code: 200n, flag: false } },
      { attrs: { env: 'prod', code: 200, flag: 'x', extra: 1 } },
    ],
    no: [
      { attrs: { env: 'prod', code: '200', flag: true } },
      { attrs: { env: 'prod', code: 200n } },
      { attrs: { env: 'dev', code: 200n, flag: true } },
      { attrs: {} },
    ],
  },
  {
    name: 'attributes, strict: a double, a bool, a list',
    mp: {
      match_type: 'strict',
      attributes: [
        { key: 'ratio', value: 0.5 },
        { key: 'ok', value: true },
        { key: 'tags', value: ['a', 'b'] },
      ],
    },
    yes: [{ attrs: { ratio: 0.5, ok: true, tags: ['a', 'b'] } }],
    no: [{ attrs: { ratio: 0.5, ok: 'true', tags: ['a', 'b'] } }, { attrs: { ratio: 0.5, ok: true, tags: ['b'] } }],
  },
  {
    name: 'attributes, regexp: strings, ints, doubles (never in exponent form) and bools as text',
    mp: {
      match_type: 'regexp',
      attributes: [
        { key: 'route', value: '^/api/' },
        { key: 'code', value: '^5' },
      ],
    },
    yes: [{ attrs: { route: '/api/x', code: 503n } }, { attrs: { route: '/api/', code: '5xx' } }],
    no: [
      { attrs: { route: '/web', code: 503n } },
      { attrs: { route: '/api/x', code: 404n } },
      { attrs: { route: '/api/x', code: ['5'] } },
    ],
  },
  {
    name: 'resources',
    mp: { match_type: 'strict', resources: [{ key: 'deployment.environment.name', value: 'prod' }] },
    yes: [{ resource: { 'deployment.environment.name': 'prod' } }],
    no: [{ resource: { 'deployment.environment.name': 'dev' } }, { resource: {} }],
  },
  {
    name: 'libraries: name, and version only when given ("" matches only an empty version)',
    mp: {
      match_type: 'strict',
      libraries: [{ name: 'lib-a' }],
    },
    yes: [{ scope: ['lib-a', '1.0'] }, { scope: ['lib-a', ''] }],
    no: [{ scope: ['lib-b', '1.0'] }],
  },
  {
    name: 'libraries with a version',
    mp: { match_type: 'strict', libraries: [{ name: 'lib-a', version: '' }] },
    yes: [{ scope: ['lib-a', ''] }],
    no: [{ scope: ['lib-a', '1.0'] }],
  },
  {
    name: 'log_bodies: the body as text (AsString)',
    mp: { match_type: 'regexp', log_bodies: ['^GET /healthz', '^42$'] },
    yes: [{ log: { body: { stringValue: 'GET /healthz 200' } } }, { log: { body: { intValue: 42n } } }],
    no: [{ log: { body: { stringValue: 'GET /api' } } }, { log: {} }],
  },
  {
    name: 'log_severity_texts',
    mp: { match_type: 'strict', log_severity_texts: ['WARN', 'ERROR'] },
    yes: [{ log: { severityText: 'WARN' } }],
    no: [{ log: { severityText: 'warn' } }, { log: { severityText: '' } }],
  },
  {
    name: 'log_severity_number: min by name, unset records excluded by default',
    mp: { match_type: 'strict', log_severity_number: { min: 'warn', match_undefined: false } },
    yes: [{ log: { severityNumber: 13 } }, { log: { severityNumber: 21 } }],
    no: [{ log: { severityNumber: 12 } }, { log: { severityNumber: 0 } }],
  },
  {
    name: 'log_severity_number: min as a number, match_undefined',
    mp: { match_type: 'strict', log_severity_number: { min: 18, match_undefined: true } },
    yes: [{ log: { severityNumber: 18 } }, { log: { severityNumber: 0 } }],
    no: [{ log: { severityNumber: 17 } }],
  },
  {
    name: 'metric_names',
    mp: { match_type: 'regexp', metric_names: ['^system\\.cpu'] },
    yes: [{ metric: 'system.cpu.time' }],
    no: [{ metric: 'system.memory.usage' }],
  },
  {
    name: 'metric_names with resources: both must match',
    mp: { match_type: 'strict', metric_names: ['m'], resources: [{ key: 'service.name', value: 'gw' }] },
    yes: [{ metric: 'm', resource: { 'service.name': 'gw' } }],
    no: [
      { metric: 'm', resource: { 'service.name': 'other' } },
      { metric: 'n', resource: { 'service.name': 'gw' } },
    ],
  },
  {
    name: 'several properties: all must match',
    mp: { match_type: 'strict', services: ['auth'], span_names: ['login'] },
    yes: [{ resource: { 'service.name': 'auth' }, span: { name: 'login' } }],
    no: [{ resource: { 'service.name': 'auth' }, span: { name: 'logout' } }],
  },
];

describe('attributes processor matching', () => {
  for (const row of ROWS)
    it(row.name, () => {
      for (const item of row.yes)
        assert.equal(
          matches(row.mp, item),
          true,
          `matches ${JSON.stringify(item, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`,
        );
      for (const item of row.no)
        assert.equal(
          matches(row.mp, item),
          false,
          `does not match ${JSON.stringify(item, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`,
        );
    });

  it('include then exclude: acted on when include matches and exclude does not', () => {
    const sel = new Selection(
      { match_type: 'regexp', span_names: ['^GET'] },
      { match_type: 'strict', span_names: ['GET /healthz'] },
    );
    const r = resource();
    const sc = scope();
    assert.equal(sel.span(span({ name: 'GET /api' }), r, sc), true);
    assert.equal(sel.span(span({ name: 'GET /healthz' }), r, sc), false);
    assert.equal(sel.span(span({ name: 'POST /api' }), r, sc), false);
    const onlyExclude = new Selection(undefined, { match_type: 'strict', span_names: ['a'] });
    assert.equal(onlyExclude.span(span({ name: 'b' }), r, sc), true);
    assert.equal(onlyExclude.span(span({ name: 'a' }), r, sc), false);
  });

  it('writes doubles as Go FormatFloat(f, -1) does', () => {
    assert.deepEqual([1.5, 1e21, 1.25e-7, -3e22, 100, NaN, -Infinity].map(fixedText), [
      '1.5',
      '1000000000000000000000',
      '0.000000125',
      '-30000000000000000000000',
      '100',
      'NaN',
      '-Inf',
    ]);
  });
});

describe('include / exclude config checks', () => {
  const issues = (mp: MatchProperties) => matchIssues(mp, ['include']);
  it('refuses a block that selects nothing', () =>
    assert.match(issues({ match_type: 'strict', services: [] })[0]!.message, /selects nothing/));
  it('refuses a regexp that does not compile, at its index', () =>
    assert.deepEqual(
      issues({ match_type: 'regexp', span_names: ['ok', 'GET (/api'] }).map((i) => i.path),
      [['include', 'span_names', 1]],
    ));
  it('refuses a non-string attribute value under regexp', () =>
    assert.deepEqual(
      issues({ match_type: 'regexp', attributes: [{ key: 'a', value: 1 }] }).map((i) => i.path),
      [['include', 'attributes', 0, 'value']],
    ));
  it('refuses an unknown span kind under strict', () =>
    assert.match(issues({ match_type: 'strict', span_kinds: ['server'] })[0]!.message, /"server" is not a span kind/));
  it('refuses an unknown severity', () =>
    assert.deepEqual(
      issues({ match_type: 'strict', log_severity_number: { min: 'LOUD', match_undefined: false } }).map((i) => i.path),
      [['include', 'log_severity_number', 'min']],
    ));
});
