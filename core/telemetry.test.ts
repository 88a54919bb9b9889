// The hub's own metrics: handles bound once per label set show what was counted whenever the metric is read, a
// gauge can be read from its source at that moment, and level none records nothing at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consumerFn } from './consumer.ts';
import { exporterObs, processorObs, receiverObs } from './obsreport.ts';
import { message } from './pdata/index.ts';
import { Telemetry } from './telemetry.ts';

describe('Telemetry', () => {
  it('counts through bound handles, per label set, as read by value() and a scrape', async () => {
    const t = new Telemetry();
    const counter = t.counter({ name: 'test_items_total', help: 'x', labelNames: ['component'] });
    const a = t.bindCounter(counter, { component: 'a' });
    const b = t.bindCounter(counter, { component: 'b' });
    a.inc();
    a.inc(4);
    b.inc(2);
    counter.inc({ component: 'a' }, 10); // the unbound way still adds up
    assert.equal(await t.value('test_items_total', { component: 'a' }), 15);
    assert.equal(await t.value('test_items_total', { component: 'b' }), 2);
    a.inc();
    assert.match(await t.scrape(), /test_items_total\{component="a"\} 16/);
  });

  it('reads a bound gauge from its source when the gauge is read, or takes the last value set', async () => {
    const t = new Telemetry();
    const gauge = t.gauge({ name: 'test_inflight', help: 'x', labelNames: ['component'] });
    let inflight = 3;
    t.bindGauge(gauge, { component: 'read' }, () => inflight);
    const set = t.bindGauge(gauge, { component: 'set' });
    set.set(7);
    set.set(5);
    assert.equal(await t.value('test_inflight', { component: 'read' }), 3);
    inflight = 0;
    assert.equal(await t.value('test_inflight', { component: 'read' }), 0);
    assert.equal(await t.value('test_inflight', { component: 'set' }), 5);
  });

  it('records nothing with level none: metrics and handles accept every call, the registry stays empty', async () => {
    const t = new Telemetry('none');
    const counter = t.counter({ name: 'test_total', help: 'x', labelNames: ['a'] });
    counter.inc({ a: 'x' }, 2);
    counter.labels({ a: 'x' }).inc();
    t.bindCounter(counter, { a: 'x' }).inc(3);
    t.gauge({ name: 'test_gauge', help: 'x', labelNames: ['a'] }).set({ a: 'x' }, 1);
    t.bindGauge(t.gauge({ name: 'test_gauge', help: 'x' }), {}, () => 1).set(2);
    t.histogram({ name: 'test_histogram', help: 'x', labelNames: ['a'] }).observe({ a: 'x' }, 1);
    // The hub's own counting around components, as a pipeline does it.
    const sink = consumerFn(async () => undefined);
    const data = { messages: [message({ topic: 't', payload: 'p' })] };
    await receiverObs(
      t,
      'r',
      processorObs(t, 'p', 'metrics', exporterObs(t, 'e', 'messages', sink), () => false),
    ).consume(data, { transport: 'mqtt' });
    assert.equal((await t.scrape()).trim(), '');
    assert.equal(t.registry.getMetricsAsArray().length, 0);
  });
});
