// In a whole hub: a message source feeding a traces pipeline through correlation and batch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../../core/pdata/index.ts';
import { getAttribute, spanCount, forEachSpan } from '../../core/pdata/index.ts';
import { startTestHub } from '../../test/helpers/hub.ts';
import { msg } from '../../test/helpers/correlation-processor-harness.ts';

const CONFIG = `
receivers:
  test_message_source:
processors:
  correlation:
    field_name: meta.id
  batch:
exporters:
  test_sink:
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces:
      receivers: [test_message_source]
      processors: [correlation, batch]
      exporters: [test_sink]
`;

describe('correlation processor in a hub', () => {
  it('turns messages into spans and settles only after the exporter took them', async () => {
    const h = await startTestHub(CONFIG);
    try {
      await h.t.sources
        .get('test_message_source')!
        .all.consume({ messages: [msg({ meta: { id: 'm-1' } }), msg('')] }, { flush: true });
      const got = h.t.sinks.get('test_sink')!.received.filter((r) => r.signal === 'traces');
      assert.equal(
        got.reduce((n, r) => n + spanCount(r.data as Traces), 0),
        2,
      );
      const ids: unknown[] = [];
      for (const r of got)
        forEachSpan(r.data as Traces, (s) => ids.push(getAttribute(s.attributes, 'correlation.generated')));
      assert.deepEqual(ids, [false, true]);
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
          .all.consume({ messages: [msg({ meta: { id: 'm-1' } })] }, { flush: true }),
      );
    } finally {
      await h.shutdown();
    }
  });

  it('is what the pipeline check suggests for a traces pipeline fed by messages', async () => {
    await assert.rejects(
      startTestHub(CONFIG.replace('processors: [correlation, batch]', 'processors: [batch]')),
      (e: unknown) =>
        /converts messages into traces \("correlation"\)/.test(e instanceof Error ? e.message : String(e)),
    );
  });
});
