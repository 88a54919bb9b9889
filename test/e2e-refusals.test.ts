// End to end over real sockets, the case: three valid ~391 KiB log records from the official OTel JS gRPC
// exporter in one request through hub 1 (default batch) to hub 2, over hub 2's 1 MiB gRPC limit (the issue had three
// requests merged by the batch; one request of three is the same request without depending on when the batch
// sends). Hub 2 (grpc-js) answers RESOURCE_EXHAUSTED "received message larger than max"; hub 1's otlp exporter sends
// the halves, and every record arrives once. (Before, all three were dropped as permanent and acknowledged.)
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { Logs } from '../core/pdata/index.ts';
import { forEachLogRecord, valueOf } from '../core/pdata/index.ts';
import { eventually, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';

const QUIET = `  telemetry:\n    metrics: { level: none }\n    logs: { level: info }\n`;

/** The first 8 characters of each record's body: its tag. */
function bodies1(ld: Logs): string[] {
  const out: string[] = [];
  forEachLogRecord(ld, (l) => {
    const v = valueOf(l.body);
    out.push(typeof v === 'string' ? v.slice(0, 8) : '(not a string)');
  });
  return out;
}

function bodies(h: TestHub): string[] {
  return (h.t.sinks.get('test_sink')?.received ?? []).flatMap((r) => bodies1(r.data as Logs)).sort();
}

it('a request over the destination gRPC limit (1 MiB) is split and all of it delivered', async () => {
  const h2 = await startTestHub(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "localhost:0", max_recv_msg_size_mib: 1 }
exporters:
  test_sink:
service:
${QUIET}  pipelines:
    logs: { receivers: [otlp], exporters: [test_sink] }
`);
  const h1 = await startTestHub(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "localhost:0" }
processors:
  batch: {}
exporters:
  otlp_grpc:
    endpoint: http://${h2.endpoint('OTLP gRPC receiver listening')}
    retry_on_failure: { initial_interval: 20ms, max_interval: 100ms }
service:
${QUIET}  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp_grpc] }
`);
  try {
    const exporter = new OTLPLogExporter({ url: `http://${h1.endpoint('OTLP gRPC receiver listening')}` });
    const lp = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'e2e-refusals' }),
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 3_600_000 })],
    });
    const logger = lp.getLogger('e2e');
    // Exported together at forceFlush: one request of about 1.15 MiB.
    for (const tag of ['record-a', 'record-b', 'record-c'])
      logger.emit({ body: tag + 'x'.repeat(391 * 1024 - tag.length) });
    await lp.forceFlush();
    await eventually(() => bodies(h2).length >= 3, 'three records at hub 2');
    await lp.shutdown();
    assert.deepEqual(bodies(h2), ['record-a', 'record-b', 'record-c'], 'each once');
    const parts = (h2.t.sinks.get('test_sink')?.received ?? []).map((r) => bodies1(r.data as Logs));
    assert.deepEqual(parts, [['record-a', 'record-b'], ['record-c']], 'sent in halves that fit');
  } finally {
    await h1.shutdown();
    await h2.shutdown();
  }
});
