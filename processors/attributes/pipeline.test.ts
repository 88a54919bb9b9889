// In a whole hub, over real sockets: the official OpenTelemetry exporters send traces, metrics and logs over OTLP/gRPC
// from two services; the attributes processor changes the items of the one `include` selects, and an independent
// OTLP server receives the result.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { dataPointsOf, forEachMetric, getAttribute } from '../../core/pdata/index.ts';
import { exportWith, makeLogs, makeMetrics, makeSpans } from '../../test/helpers/otlp-receiver-official-exporters.ts';
import type { ProcessorPipeline } from '../../test/helpers/processor-pipeline.ts';
import { startProcessorPipeline } from '../../test/helpers/processor-pipeline.ts';

const PROCESSORS = `
  attributes:
    actions:
      - key: http.method
        action: delete
      - key: retries
        action: convert
        converted_type: string
      - key: user
        action: hash
      - key: route
        value: /redacted
        action: update
      - key: site
        value: plant-1
        action: insert
    include:
      match_type: regexp
      resources:
        - key: service.name
          value: ^svc-in
`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('attributes processor in a hub, OTLP in and out', () => {
  let p: ProcessorPipeline;
  before(async () => {
    p = await startProcessorPipeline(PROCESSORS, ['attributes']);
  });
  after(() => p.close());

  it('changes the spans of the selected service only', async () => {
    for (const tag of ['in', 'out'])
      assert.equal((await exportWith(p.official.traces, await makeSpans(tag))).code, ExportResultCode.SUCCESS);
    const spans = p
      .received()
      .traces.flatMap((t) => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const inSpan = spans.find((s) => s.name === 'span-in');
    const outSpan = spans.find((s) => s.name === 'span-out');
    assert.ok(inSpan && outSpan, 'the server received both spans');
    assert.equal(getAttribute(inSpan.attributes, 'http.method'), undefined);
    assert.equal(getAttribute(inSpan.attributes, 'retries'), '3');
    assert.equal(getAttribute(inSpan.attributes, 'site'), 'plant-1');
    assert.equal(getAttribute(inSpan.attributes, 'ratio'), 0.5, 'what no action names is kept');
    assert.equal(getAttribute(outSpan.attributes, 'http.method'), 'GET');
    assert.equal(getAttribute(outSpan.attributes, 'retries'), 3n);
    assert.equal(getAttribute(outSpan.attributes, 'site'), undefined);
  });

  it('changes the data points of the selected service only', async () => {
    for (const tag of ['in', 'out'])
      assert.equal((await exportWith(p.official.metrics, await makeMetrics(tag))).code, ExportResultCode.SUCCESS);
    const routes: Record<string, unknown[]> = {};
    for (const m of p.received().metrics)
      forEachMetric(m, (metric) => {
        routes[metric.name] = dataPointsOf(metric).map((d) => getAttribute(d.attributes, 'route'));
      });
    assert.deepEqual(routes, {
      'requests-in': ['/redacted'],
      'latency-in': ['/redacted'],
      'requests-out': ['/a'],
      'latency-out': ['/a'],
    });
  });

  it('changes the log records of the selected service only', async () => {
    for (const tag of ['in', 'out'])
      assert.equal((await exportWith(p.official.logs, await makeLogs(tag))).code, ExportResultCode.SUCCESS);
    const users: Record<string, unknown> = {};
    for (const l of p.received().logs)
      for (const rl of l.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const r of sl.logRecords)
            users[String(r.body && 'stringValue' in r.body ? r.body.stringValue : '')] = getAttribute(
              r.attributes,
              'user',
            );
    assert.deepEqual(users, { 'hello-in': sha256('u1'), 'hello-out': 'u1' });
  });
});
