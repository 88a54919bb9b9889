// Ownership (core/consumer.ts): a downstream processor that declares mutatesData may change the batch it is handed.
// Each batch must then be its own, resource and scope included, or the changes pile up from one batch to the next.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consumerFn } from '../../core/consumer.ts';
import type { Logs, SignalData } from '../../core/pdata/index.ts';
import { setAttribute } from '../../core/pdata/index.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import { configOf, msg } from '../../test/helpers/schema-processor-harness.ts';
import { schemaFactory } from './factory.ts';

const CONSUMES = 4;

function envelopes(data: SignalData) {
  const rs = 'resourceMetrics' in data ? data.resourceMetrics : (data as Logs).resourceLogs;
  return rs.map((r) => {
    const scopes = 'scopeMetrics' in r ? r.scopeMetrics : r.scopeLogs;
    return { resource: r.resource, scopes: scopes.map((s) => s.scope) };
  });
}

describe('schema processor: batch ownership', () => {
  for (const signal of ['metrics', 'logs'] as const) {
    it(`hands a fresh resource and scope to every ${signal} batch, so a mutating processor downstream cannot make them grow`, async (t) => {
      const seen: { resource: number; scope: number }[] = [];
      let n = 0;
      // Adds one attribute to the resource and scope of every batch, as an attributes processor would.
      const mutating = consumerFn<SignalData>(async (data) => {
        n++;
        for (const { resource, scopes } of envelopes(data)) {
          seen.push({ resource: resource.attributes.length, scope: scopes[0]?.attributes.length ?? -1 });
          setAttribute(resource.attributes, `added.${n}`, n);
          for (const s of scopes) setAttribute(s.attributes, `added.${n}`, n);
        }
      }, true);
      const proc = await schemaFactory.createProcessor(
        testProcessorSettings('schema/test', signal),
        configOf({ resource_attributes: { 'service.name': 'gateway' }, default_instance_id: 'none' }),
        mutating,
      );
      t.after(() => proc.shutdown?.());
      const payload = { metrics: [{ name: 'x', type: 'f64_gauge', value: 1 }], logs: [{ value: 'hi', level: 'info' }] };
      for (let i = 0; i < CONSUMES; i++) await proc.consume({ messages: [msg(payload)] });
      assert.deepEqual(
        seen,
        Array.from({ length: CONSUMES }, () => ({ resource: 1, scope: 0 })),
      );
    });
  }
});
