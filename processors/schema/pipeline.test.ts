// In a whole hub: one message source feeding a metrics and a logs pipeline, each with its own schema processor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logs, Metrics } from '../../core/pdata/index.ts';
import { dataPointCount, logRecordCount } from '../../core/pdata/index.ts';
import { startTestHub } from '../../test/helpers/hub.ts';
import { msg } from '../../test/helpers/schema-processor-harness.ts';

const CONFIG = `
receivers:
  test_message_source:
processors:
  schema:
    counter_temporality: delta
    resource_attributes: { service.name: gateway }
exporters:
  test_sink:
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    metrics:
      receivers: [test_message_source]
      processors: [schema]
      exporters: [test_sink]
    logs:
      receivers: [test_message_source]
      processors: [schema]
      exporters: [test_sink]
`;

describe('schema processor in a hub', () => {
  it('turns one message into metrics in the metrics pipeline and logs in the logs pipeline, acknowledging after both', async () => {
    const h = await startTestHub(CONFIG);
    try {
      const payload = {
        metrics: [{ name: 'x', type: 'u64_counter', value: 2 }],
        logs: [
          { value: 'hello', level: 'warn' },
          { value: 'bad', level: 'loud' },
        ],
      };
      await h.t.sources.get('test_message_source')!.all.consume({ messages: [msg(payload)] });
      const sink = h.t.sinks.get('test_sink')!;
      const metrics = sink.received.filter((r) => r.signal === 'metrics');
      const logs = sink.received.filter((r) => r.signal === 'logs');
      assert.equal(metrics.length, 1);
      assert.equal(logs.length, 1);
      assert.equal(dataPointCount(metrics[0]!.data as Metrics), 1);
      assert.equal(logRecordCount(logs[0]!.data as Logs), 1);
    } finally {
      await h.shutdown();
    }
  });

  it('passes a failing exporter back to the source, which then does not acknowledge', async () => {
    const h = await startTestHub(CONFIG);
    try {
      h.t.sinks.get('test_sink')!.fail = 'retryable';
      await assert.rejects(
        h.t.sources
          .get('test_message_source')!
          .all.consume({ messages: [msg({ metrics: [{ name: 'x', type: 'f64_gauge', value: 1 }] })] }),
      );
    } finally {
      await h.shutdown();
    }
  });
});
