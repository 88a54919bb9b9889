// In a whole hub, over real sockets: the official OpenTelemetry exporters send traces, metrics and logs over OTLP/gRPC,
// the resource processor changes their resources, and an independent OTLP server receives the result.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { KeyValue } from '../../core/pdata/index.ts';
import { getAttribute } from '../../core/pdata/index.ts';
import { exportWith, makeLogs, makeMetrics, makeSpans } from '../../test/helpers/otlp-receiver-official-exporters.ts';
import type { ProcessorPipeline } from '../../test/helpers/processor-pipeline.ts';
import { startProcessorPipeline } from '../../test/helpers/processor-pipeline.ts';

const PROCESSORS = `
  resource:
    attributes:
      - key: deployment.environment.name
        value: production
        action: upsert
      - key: service.namespace
        from_attribute: service.name
        action: insert
      - key: service.name
        action: hash
`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function expectResource(attrs: KeyValue[], tag: string): void {
  assert.equal(getAttribute(attrs, 'deployment.environment.name'), 'production');
  assert.equal(getAttribute(attrs, 'service.namespace'), `svc-${tag}`);
  assert.equal(getAttribute(attrs, 'service.name'), sha256(`svc-${tag}`));
}

describe('resource processor in a hub, OTLP in and out', () => {
  let p: ProcessorPipeline;
  before(async () => {
    p = await startProcessorPipeline(PROCESSORS, ['resource']);
  });
  after(() => p.close());

  it('changes the resource of traces', async () => {
    assert.equal((await exportWith(p.official.traces, await makeSpans('t'))).code, ExportResultCode.SUCCESS);
    const [t] = p.received().traces;
    assert.ok(t, 'the server received the traces');
    expectResource(t.resourceSpans[0]!.resource.attributes, 't');
    assert.equal(t.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name, 'span-t');
  });

  it('changes the resource of metrics', async () => {
    assert.equal((await exportWith(p.official.metrics, await makeMetrics('m'))).code, ExportResultCode.SUCCESS);
    const [m] = p.received().metrics;
    assert.ok(m, 'the server received the metrics');
    for (const rm of m.resourceMetrics) expectResource(rm.resource.attributes, 'm');
  });

  it('changes the resource of logs', async () => {
    assert.equal((await exportWith(p.official.logs, await makeLogs('l'))).code, ExportResultCode.SUCCESS);
    const [l] = p.received().logs;
    assert.ok(l, 'the server received the logs');
    expectResource(l.resourceLogs[0]!.resource.attributes, 'l');
    assert.equal(getAttribute(l.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes, 'user'), 'u1');
  });
});
