// The safe default for replicas: cumulative totals are per replica, so without a resource attribute telling replicas
// apart their points would collide in one series. service.instance.id is added unless the user chose otherwise.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import type { Logs, Metrics } from '../../core/pdata/index.ts';
import { attrs, harness, msg } from '../../test/helpers/schema-processor-harness.ts';
import { resolveResource } from './instance-id.ts';

const COUNTER = { metrics: [{ name: 'parts', type: 'u64_counter', value: 1 }], logs: [{ value: 'hi', level: 'info' }] };

async function resourceOf(t: TestContext, signal: 'metrics' | 'logs', cfg: Record<string, unknown>) {
  const h = await harness(t, signal, cfg);
  await h.send(msg(COUNTER));
  const data = h.sent[0]!.data;
  const r = signal === 'metrics' ? (data as Metrics).resourceMetrics[0] : (data as Logs).resourceLogs[0];
  return attrs(r!.resource.attributes);
}

describe('schema processor: service.instance.id by default with cumulative counters', () => {
  it('adds the host name as service.instance.id to metrics and logs when counters are cumulative', async (t) => {
    const host = hostname();
    assert.deepEqual(await resourceOf(t, 'metrics', { resource_attributes: { 'service.name': 'gw' } }), {
      'service.name': 'gw',
      'service.instance.id': host,
    });
    assert.deepEqual(await resourceOf(t, 'logs', {}), { 'service.instance.id': host });
  });

  it('keeps a configured service.instance.id, and adds none with delta counters or default_instance_id: none', async (t) => {
    assert.deepEqual(await resourceOf(t, 'metrics', { resource_attributes: { 'service.instance.id': 'replica-a' } }), {
      'service.instance.id': 'replica-a',
    });
    assert.deepEqual(await resourceOf(t, 'metrics', { counter_temporality: 'delta' }), {});
    assert.deepEqual(await resourceOf(t, 'logs', { counter_temporality: 'delta' }), {});
    assert.deepEqual(await resourceOf(t, 'metrics', { default_instance_id: 'none' }), {});
  });

  it('gives replicas on different hosts different resources, and a host without a name a random ID', () => {
    const cfg = {
      counter_temporality: 'cumulative',
      default_instance_id: 'host_name',
      resource_attributes: { 'service.name': 'gw' },
    } as const;
    const a = resolveResource(cfg, () => 'otelhub-0');
    const b = resolveResource(cfg, () => 'otelhub-1');
    assert.deepEqual(a.attributes, { 'service.name': 'gw', 'service.instance.id': 'otelhub-0' });
    assert.deepEqual(b.added, { value: 'otelhub-1', from: 'the host name' });
    assert.deepEqual(cfg.resource_attributes, { 'service.name': 'gw' }, 'the config is not changed');
    const nameless = resolveResource(cfg, () => ' ');
    assert.match(String(nameless.attributes['service.instance.id']), /^[0-9a-f-]{36}$/);
    assert.equal(nameless.added?.from, 'a random UUID');
    assert.notEqual(resolveResource(cfg, () => '').added?.value, nameless.added?.value);
  });
});
