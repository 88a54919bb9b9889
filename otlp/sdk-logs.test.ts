// Bytes from the official OpenTelemetry JS logs serializers, built from real SDK log records, decode to what was
// emitted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SeverityNumber, TraceFlags, trace } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { getAttribute, toHex, valueOf } from '../core/pdata/index.ts';
import { decodeRequest, decodeRequestJson } from './index.ts';

const spanContext = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  traceFlags: TraceFlags.SAMPLED,
};

async function emit() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'interop-logs' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('interop-logger', '7.8.9', { schemaUrl: 'https://example.com/logs' });
  logger.emit({
    eventName: 'order.placed',
    severityNumber: SeverityNumber.WARN2,
    severityText: 'WARN2',
    body: { order: 17, items: ['a', 'b'], ok: true, ratio: 0.5 },
    attributes: { 'user.id': 'u1', amount: 9.5 },
    timestamp: [1700000000, 5],
    observedTimestamp: [1700000000, 6],
    context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
  });
  logger.emit({ body: 'plain text', timestamp: [1700000001, 0], context: ROOT_CONTEXT });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

describe('official OTel JS logs serializers → decodeRequest', async () => {
  const records = await emit();
  const decoded = decodeRequest('logs', ProtobufLogsSerializer.serializeRequest(records)!);
  const sl = decoded.resourceLogs[0]!.scopeLogs[0]!;

  it('gives the resource, scope and schema URL', () => {
    assert.equal(decoded.resourceLogs.length, 1);
    assert.equal(getAttribute(decoded.resourceLogs[0]!.resource.attributes, 'service.name'), 'interop-logs');
    assert.deepStrictEqual(
      [sl.scope.name, sl.scope.version, sl.schemaUrl],
      ['interop-logger', '7.8.9', 'https://example.com/logs'],
    );
    assert.equal(sl.logRecords.length, 2);
  });

  it('gives every field of a full record', () => {
    const r = sl.logRecords[0]!;
    assert.equal(r.timeUnixNano, 1700000000000000005n);
    assert.equal(r.observedTimeUnixNano, 1700000000000000006n);
    assert.equal(r.severityNumber, SeverityNumber.WARN2);
    assert.equal(r.severityText, 'WARN2');
    assert.deepStrictEqual(valueOf(r.body), { order: 17n, items: ['a', 'b'], ok: true, ratio: 0.5 });
    assert.equal(getAttribute(r.attributes, 'user.id'), 'u1');
    assert.equal(getAttribute(r.attributes, 'amount'), 9.5);
    assert.equal(toHex(r.traceId), spanContext.traceId);
    assert.equal(toHex(r.spanId), spanContext.spanId);
    assert.equal(r.flags, TraceFlags.SAMPLED);
    assert.equal(r.eventName, 'order.placed', 'event_name is field 12');
    assert.equal(r.droppedAttributesCount, 0);
  });

  it('gives a bare record its body and defaults', () => {
    const r = sl.logRecords[1]!;
    assert.deepStrictEqual(r.body, { stringValue: 'plain text' });
    assert.equal(r.timeUnixNano, 1700000001000000000n);
    assert.ok(r.observedTimeUnixNano > 0n, 'the SDK stamps the observed time itself');
    assert.deepStrictEqual([r.severityNumber, r.severityText, r.eventName, r.flags], [0, '', '', 0]);
    assert.deepStrictEqual([r.traceId.length, r.spanId.length, r.attributes.length], [0, 0, 0]);
  });

  it('decodes the official JSON of the same records to the same data', () => {
    const text = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records));
    assert.deepStrictEqual(decodeRequestJson('logs', text), decoded);
  });
});
