// In a whole hub: a message source feeding a traces pipeline through correlation and batch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Traces } from '../../core/pdata/index.ts';
import type { ProcessorFactory } from '../../core/component.ts';
import { getAttribute, spanCount, forEachSpan, setAttribute } from '../../core/pdata/index.ts';
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

/** Changes, in place, `messaging.system` and the ack event of the span whose correlation ID is `m-1`. */
const editor: ProcessorFactory = {
  kind: 'processor',
  type: 'test_span_editor',
  stability: 'development',
  configSchema: { type: 'object' },
  mutatesData: true,
  signals: { traces: { accepts: 'traces', emits: 'traces' } },
  createProcessor: (_set, _cfg, next) => ({
    mutatesData: true,
    async consume(data, ctx) {
      forEachSpan(data as Traces, (s) => {
        if (getAttribute(s.attributes, 'correlation.id') !== 'm-1') return;
        setAttribute(s.attributes, 'messaging.system', 'edited');
        for (const e of s.events) setAttribute(e.attributes, 'status', 'edited');
      });
      await next.consume(data, ctx);
    },
  }),
};

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

  it('gives each span pieces of its own when a processor after it changes spans in place', async () => {
    const h = await startTestHub(
      CONFIG.replace('  batch:\n', '  batch:\n  test_span_editor:\n').replace(
        'processors: [correlation, batch]',
        'processors: [correlation, batch, test_span_editor]',
      ),
      { factories: [editor] },
    );
    try {
      const source = h.t.sources.get('test_message_source')!.all;
      // Two consumes: what a processor could share reaches across them too.
      await Promise.all(
        ['m-1', 'm-2'].map((id) => source.consume({ messages: [msg({ meta: { id } })] }, { flush: true })),
      );
      const seen: [unknown, unknown, unknown][] = [];
      for (const r of h.t.sinks.get('test_sink')!.received)
        forEachSpan(r.data as Traces, (s) =>
          seen.push([
            getAttribute(s.attributes, 'correlation.id'),
            getAttribute(s.attributes, 'messaging.system'),
            getAttribute(s.events.at(-1)?.attributes ?? [], 'status'),
          ]),
        );
      assert.deepEqual(
        seen.sort(([a], [b]) => String(a).localeCompare(String(b))),
        [
          ['m-1', 'edited', 'edited'],
          ['m-2', 'mqtt', 'success'],
        ],
      );
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
