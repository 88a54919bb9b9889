// In a whole hub: one source feeding two traces pipelines, one with transform then filter, one untouched. The
// transform changes its own copy only (it declares mutatesData, so the hub hands it a clone), the filter then
// sees the transformed data, and the other pipeline gets the data as sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../../core/pdata/index.ts';
import { getAttribute, resource, span, traces } from '../../core/pdata/index.ts';
import { startTestHub } from '../../test/helpers/hub.ts';

const CONFIG = `
receivers:
  test_source:
processors:
  transform:
    trace_statements:
      - context: span
        statements:
          - set(attributes["tenant"], resource.attributes["tenant"])
          - replace_pattern(attributes["http.url"], "token=[^&]*", "token=***")
          - set(name, "health") where attributes["http.route"] == "/healthz"
  filter:
    trace_conditions:
      - span.name == "health"
exporters:
  test_sink/changed:
  test_sink/original:
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces/changed:
      receivers: [test_source]
      processors: [transform, filter]
      exporters: [test_sink/changed]
    traces/original:
      receivers: [test_source]
      exporters: [test_sink/original]
`;

const names = (t: Traces) =>
  t.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));

describe('transform processor in a hub', () => {
  it('changes its pipeline copy, feeds the filter after it, and leaves the other pipeline its data', async () => {
    const h = await startTestHub(CONFIG);
    try {
      const data = traces(
        [
          span({ name: 'GET /a', attributes: [{ key: 'http.url', value: { stringValue: '/a?token=s3cret&x=1' } }] }),
          span({ name: 'GET /healthz', attributes: [{ key: 'http.route', value: { stringValue: '/healthz' } }] }),
        ],
        resource({ tenant: 'acme' }),
      );
      await h.t.sources.get('test_source')!.byType.traces!.consume(data);
      const changed = h.t.sinks.get('test_sink/changed')!.received[0]?.data as Traces;
      const original = h.t.sinks.get('test_sink/original')!.received[0]?.data as Traces;
      assert.deepEqual(names(changed), ['GET /a']);
      const a = changed.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      assert.equal(getAttribute(a.attributes, 'tenant'), 'acme');
      assert.equal(getAttribute(a.attributes, 'http.url'), '/a?token=***&x=1');
      assert.deepEqual(names(original), ['GET /a', 'GET /healthz']);
      const o = original.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      assert.equal(getAttribute(o.attributes, 'http.url'), '/a?token=s3cret&x=1');
      assert.equal(getAttribute(o.attributes, 'tenant'), undefined);
    } finally {
      await h.shutdown();
    }
  });

  it('refuses at load time a statement with the wrong arguments, naming where and the column', async () => {
    await assert.rejects(
      startTestHub(CONFIG.replace('set(name, "health")', 'set(name)')),
      /processors::transform::trace_statements::0::statements::2.*col 1: set needs argument value/s,
    );
  });
});
