// In a whole hub: a traces and a logs pipeline with a filter, from a config file's text. What the conditions match
// never reaches the exporter, the source's consume settles resolved even when nothing is left, and the drops show
// in the hub's metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logs, Traces } from '../../core/pdata/index.ts';
import { logRecord, logs, resource, span, spanCount, traces } from '../../core/pdata/index.ts';
import { startTestHub } from '../../test/helpers/hub.ts';

const CONFIG = `
receivers:
  test_source:
processors:
  filter:
    error_mode: ignore
    traces:
      span:
        - attributes["http.route"] == "/healthz"
    log_conditions:
      - log.severity_number < SEVERITY_NUMBER_WARN
exporters:
  test_sink:
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces:
      receivers: [test_source]
      processors: [filter]
      exporters: [test_sink]
    logs:
      receivers: [test_source]
      processors: [filter]
      exporters: [test_sink]
`;

describe('filter processor in a hub', () => {
  it('drops health checks and debug logs; a batch filtered out entirely still settles resolved', async () => {
    const h = await startTestHub(CONFIG);
    try {
      const src = h.t.sources.get('test_source')!;
      const health = span({ name: 'GET', attributes: [{ key: 'http.route', value: { stringValue: '/healthz' } }] });
      await src.byType.traces!.consume(
        traces([health, span({ name: 'GET /users' })], resource({ 'service.name': 'api' })),
      );
      await src.byType.traces!.consume(traces([health]));
      await src.byType.logs!.consume(logs([logRecord({ severityNumber: 5 }), logRecord({ severityNumber: 17 })]));
      const sink = h.t.sinks.get('test_sink')!;
      const sent = sink.received.filter((r) => r.signal === 'traces').map((r) => r.data as Traces);
      assert.deepEqual(
        sent.map((t) => spanCount(t)),
        [1],
        'the all-health batch sent nothing on',
      );
      const logged = sink.received.filter((r) => r.signal === 'logs').map((r) => r.data as Logs);
      assert.deepEqual(
        logged.flatMap((l) =>
          l.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.severityNumber))),
        ),
        [17],
      );
    } finally {
      await h.shutdown();
    }
  });

  it('refuses at load time a config with an unknown path, naming where and the column', async () => {
    await assert.rejects(
      startTestHub(CONFIG.replace('attributes["http.route"]', 'atributes["http.route"]')),
      /processors::filter::traces::span::0.*col 1: unknown path atributes/s,
    );
  });
});
