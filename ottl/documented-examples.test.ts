// The statements and conditions of the Collector's transform and filter processor documentation (their READMEs and
// the v0.146.0 context-inference announcement): the ones in the supported subset compile in the context the
// documentation gives or infers, and the ones outside it are refused at load time, naming what is unknown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContextName, SignalName } from './index.ts';
import { compileGroup } from './index.ts';

// [signal, context (undefined: inferred), statement or condition, the context it must end up in]
const STATEMENTS: [SignalName, ContextName | undefined, string, ContextName][] = [
  [
    'traces',
    undefined,
    'keep_keys(span.attributes, ["service.name", "service.namespace", "cloud.region", "process.command_line"])',
    'span',
  ],
  [
    'traces',
    undefined,
    'replace_pattern(span.attributes["process.command_line"], "password\\\\=[^\\\\s]*(\\\\s?)", "password=***")',
    'span',
  ],
  ['traces', undefined, 'limit(span.attributes, 100, [])', 'span'],
  ['traces', undefined, 'truncate_all(span.attributes, 4096)', 'span'],
  ['metrics', undefined, 'keep_keys(resource.attributes, ["host.name"])', 'resource'],
  ['metrics', undefined, 'truncate_all(resource.attributes, 4096)', 'resource'],
  ['metrics', undefined, 'set(metric.description, "Sum") where metric.type == "Sum"', 'metric'],
  ['logs', undefined, 'set(log.severity_text, "FAIL") where log.body == "request failed"', 'log'],
  [
    'logs',
    undefined,
    'replace_all_patterns(log.attributes, "value", "/account/\\\\d{4}", "/account/{accountId}")',
    'log',
  ],
  ['logs', undefined, 'set(log.body, log.attributes["http.route"])', 'log'],
  [
    'metrics',
    undefined,
    'set(metric.description, "test passed") where datapoint.attributes["test"] == "pass"',
    'datapoint',
  ],
  ['traces', 'span', 'set(attributes["test"], "pass")', 'span'],
  ['traces', 'span', 'set(status.code, STATUS_CODE_ERROR) where attributes["http.request.status_code"] == 400', 'span'],
  ['logs', 'log', 'set(severity_text, "FAIL") where body == "request failed"', 'log'],
  [
    'logs',
    undefined,
    'merge_maps(log.attributes, ParseJSON(log.body), "upsert") where IsMatch(log.body, "^\\\\{")',
    'log',
  ],
  ['logs', undefined, 'set(log.attributes["parsed"], Split(log.body, " "))', 'log'],
  [
    'traces',
    undefined,
    'replace_match(span.attributes["http.target"], "/user/*/list/*", "/user/{userId}/list/{listId}")',
    'span',
  ],
  ['metrics', undefined, 'replace_pattern(metric.name, "^kube_([0-9A-Za-z]+_)", "k8s.$1.")', 'metric'],
];

const CONDITIONS: [SignalName, ContextName | undefined, string, ContextName][] = [
  ['traces', 'span', 'IsMatch(resource.attributes["k8s.pod.name"], "my-pod-name.*")', 'span'],
  ['metrics', 'metric', 'type == METRIC_DATA_TYPE_NONE', 'metric'],
  ['metrics', 'datapoint', 'metric.name == "k8s.pod.phase" and value_int == 4', 'datapoint'],
  ['traces', 'span', 'attributes["http.request.method"] == nil', 'span'],
  ['logs', 'log', 'severity_number < SEVERITY_NUMBER_WARN', 'log'],
  ['traces', 'span', 'resource.attributes["host.name"] == "localhost"', 'span'],
  ['traces', 'spanevent', 'attributes["grpc"] == true', 'spanevent'],
  ['traces', 'spanevent', 'IsMatch(name, ".*grpc.*")', 'spanevent'],
  ['traces', undefined, 'resource.attributes["host.name"] == "localhost"', 'resource'],
  ['traces', undefined, 'span.attributes["container.name"] == "app_container_1"', 'span'],
  ['traces', undefined, 'span.name == "app_3"', 'span'],
  ['traces', undefined, 'spanevent.attributes["grpc"] == true', 'spanevent'],
  ['traces', undefined, 'IsMatch(spanevent.name, ".*grpc.*")', 'spanevent'],
  ['metrics', undefined, 'metric.type == METRIC_DATA_TYPE_SUM', 'metric'],
];

// Documented, but outside the subset otelhub implements: refused at load time with what is unknown.
const REFUSED: [SignalName, string, RegExp][] = [
  [
    'metrics',
    'convert_sum_to_gauge() where metric.name == "system.processes.count"',
    /unknown editor convert_sum_to_gauge/,
  ],
  [
    'logs',
    'replace_all_matches(log.attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")',
    /unknown editor replace_all_matches/,
  ],
  ['logs', 'set(log.body, log.attributes["http.route"]) where IsMap(log.body)', /unknown converter IsMap/],
  [
    'traces',
    'set(span.attributes["source"], span.trace_state["source"]) where span.cache["x"] == 1',
    /unknown path span.cache/,
  ],
];

describe('the Collector documentation examples', () => {
  for (const [signal, context, text, want] of STATEMENTS)
    it(`statement ${text}`, () => assert.equal(compileGroup({ statements: [text], context }, signal).context, want));
  for (const [signal, context, text, want] of CONDITIONS)
    it(`condition ${text}`, () => assert.equal(compileGroup({ conditions: [text], context }, signal).context, want));
  for (const [signal, text, msg] of REFUSED)
    it(`refuses ${text}`, () => assert.throws(() => compileGroup({ statements: [text] }, signal), msg));

  it('infers one context for a group, as the transform README describes', () => {
    const g = compileGroup(
      { statements: ['set(resource.attributes["test"], "passed")', 'set(metric.description, "test passed")'] },
      'metrics',
    );
    assert.equal(g.context, 'metric');
  });
});
