import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { Processor } from '../../core/component.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { consumerFn } from '../../core/consumer.ts';
import { ConsumerError, isPermanent, permanentError, retryableError } from '../../core/errors.ts';
import type { Logs, Metrics, PipelineType, SignalData, Traces } from '../../core/pdata/index.ts';
import {
  dataPointsOf,
  forEachLogRecord,
  forEachSpan,
  itemCount,
  logRecord,
  logs,
  metric,
  metrics,
  numberPoint,
  span,
  traces,
} from '../../core/pdata/index.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { BatchConfig } from './config.ts';
import { batchConfigSchema, maxBatchSize, validateBatchConfig } from './config.ts';
import { batchFactory } from './factory.ts';

const ID = 'batch/test';
const LONG = 60_000;

function deferred() {
  let resolve!: () => void, reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Whether a promise has settled, once everything already queued has run. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const pending = new Promise<'pending'>((r) => setImmediate(() => r('pending')));
  return Promise.race([
    p.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    pending,
  ]);
}

interface Export extends ReturnType<typeof deferred> {
  data: SignalData;
  ctx: ConsumeContext;
  items: number;
}

/** A batch processor whose exports succeed at once, or (manual) wait for the test to settle them. */
async function harness(t: TestContext, signal: PipelineType, cfg: Partial<BatchConfig>, manual = false) {
  const settings = testProcessorSettings(ID, signal);
  const sent: Export[] = [];
  const next = consumerFn<SignalData>((data, ctx) => {
    const d = deferred();
    sent.push({ ...d, data, ctx, items: itemCount(signal, data) });
    if (!manual) d.resolve();
    return d.promise;
  });
  const config: BatchConfig = { send_batch_size: 8192, send_batch_max_size: 0, timeout: LONG, ...cfg };
  const proc: Processor = await batchFactory.createProcessor(settings, config, next);
  t.after(async () => {
    for (const e of sent) e.resolve();
    await proc.shutdown?.();
  });
  const count = (name: string) => settings.telemetry.value(name, { processor: ID });
  return { proc, sent, settings, count };
}

const spans = (...names: string[]) => traces(names.map((name) => span({ name })));
const names = (d: SignalData) => {
  const out: string[] = [];
  forEachSpan(d as Traces, (s) => out.push(s.name));
  return out;
};
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const SIZE = 'otelcol_processor_batch_batch_size_trigger_send_total';
const TIMEOUT = 'otelcol_processor_batch_timeout_trigger_send_total';
const FLUSH = 'otelhub_processor_batch_flush_trigger_send_total';

await test('sends everything pending once send_batch_size is reached', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', { send_batch_size: 3 });
  const before = timers();
  const a = proc.consume(spans('a1', 'a2'));
  assert.equal(await state(a), 'pending');
  assert.equal(sent.length, 0);
  assert.equal(timers(), before + 1);
  const b = proc.consume(spans('b1', 'b2'));
  assert.equal(sent.length, 1);
  assert.equal(timers(), before, 'the timer of the batch sent is gone');
  await Promise.all([a, b]);
  assert.deepEqual(names(sent[0]!.data), ['a1', 'a2', 'b1', 'b2']);
  assert.ok(!sent[0]!.ctx.flush);
  assert.equal(await count(SIZE), 1);
  assert.equal(await count(TIMEOUT), 0);
});

await test('sends on timeout from the first pending item', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', { send_batch_size: 100, timeout: 20 });
  const a = proc.consume(spans('a'));
  const b = proc.consume(spans('b'));
  assert.equal(sent.length, 0);
  await Promise.all([a, b]);
  assert.equal(sent.length, 1);
  assert.deepEqual(names(sent[0]!.data), ['a', 'b']);
  assert.equal(await count(TIMEOUT), 1);
  assert.equal(await count(SIZE), 0);
});

await test('timeout 0 sends every contribution at once', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { send_batch_size: 100, timeout: 0 });
  const a = proc.consume(spans('a'));
  assert.equal(sent.length, 1);
  const b = proc.consume(spans('b'));
  assert.equal(sent.length, 2);
  await Promise.all([a, b]);
});

await test('send_batch_max_size splits, and a split contribution waits for all its pieces', async (t) => {
  const { proc, sent, settings } = await harness(t, 'traces', { send_batch_size: 5, send_batch_max_size: 5 }, true);
  const a = proc.consume(spans('a1', 'a2', 'a3'));
  const b = proc.consume(spans('b1', 'b2', 'b3', 'b4'));
  assert.deepEqual(
    sent.map((e) => names(e.data)),
    [
      ['a1', 'a2', 'a3', 'b1', 'b2'],
      ['b3', 'b4'],
    ],
  );
  sent[0]!.resolve();
  assert.equal(await state(a), 'resolved');
  assert.equal(await state(b), 'pending');
  sent[1]!.resolve();
  assert.equal(await state(b), 'resolved');
  const text = await settings.telemetry.scrape();
  assert.match(text, /otelcol_processor_batch_batch_send_size_count\{processor="batch\/test"\} 2\n/);
  assert.match(text, /otelcol_processor_batch_batch_send_size_sum\{processor="batch\/test"\} 7\n/);
  assert.match(text, /otelcol_processor_batch_batch_send_size_bucket\{le="10",processor="batch\/test"\} 2\n/);
  assert.match(text, /otelcol_processor_batch_batch_send_size_bucket\{le="100000",processor="batch\/test"\} 2\n/);
});

await test('bounded by default: without send_batch_max_size no export holds more than 8192 items', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { send_batch_max_size: undefined });
  const many = traces(Array.from({ length: 20_000 }, (_, i) => span({ name: `s${i}` })));
  await proc.consume(many);
  assert.deepEqual(
    sent.map((e) => e.items),
    [8192, 8192, 3616],
  );
  assert.deepEqual(
    sent.flatMap((e) => names(e.data)),
    names(many),
    'every span once, in order',
  );
});

await test('a failed piece fails only the contributions with items in it', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { send_batch_size: 4, send_batch_max_size: 2 }, true);
  const a = proc.consume(spans('a1', 'a2'));
  const b = proc.consume(spans('b1', 'b2'));
  assert.equal(sent.length, 2);
  sent[0]!.resolve();
  sent[1]!.reject(permanentError('bad'));
  assert.equal(await state(a), 'resolved');
  await assert.rejects(b, (err) => isPermanent(err));
});

await test('a failed export rejects every contribution to that batch and no other', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { send_batch_size: 2 }, true);
  const batch1 = [proc.consume(spans('a')), proc.consume(spans('b'))];
  const batch2 = [proc.consume(spans('c')), proc.consume(spans('d'))];
  assert.equal(sent.length, 2, 'the second batch is sent while the first is in flight');
  const err = permanentError('refused');
  sent[0]!.reject(err);
  sent[1]!.resolve();
  for (const p of batch1) await assert.rejects(p, (e) => e === err);
  await Promise.all(batch2);

  const c = proc.consume(spans('e', 'f'));
  sent[2]!.reject(retryableError('busy', { throttled: true }));
  await assert.rejects(c, (e) => e instanceof ConsumerError && e.retryable && e.throttled);
});

await test('a contribution failed by several pieces gets the retryable error', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { send_batch_size: 3, send_batch_max_size: 1 }, true);
  const a = proc.consume(spans('a1', 'a2', 'a3'));
  assert.equal(sent.length, 3);
  sent[0]!.reject(permanentError('first'));
  sent[1]!.reject(retryableError('second'));
  assert.equal(await state(a), 'pending', 'it waits for every piece');
  sent[2]!.resolve();
  await assert.rejects(a, { message: 'second' });
});

await test('the flush hint sends at once and is passed on', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', {});
  const a = proc.consume(spans('a'));
  assert.equal(sent.length, 0);
  const b = proc.consume(spans('b'), { flush: true });
  assert.equal(sent.length, 1);
  assert.deepEqual(names(sent[0]!.data), ['a', 'b']);
  assert.equal(sent[0]!.ctx.flush, true);
  await Promise.all([a, b]);
  assert.equal(await count(FLUSH), 1);

  const c = proc.consume(spans('c'));
  await proc.consume(traces([]), { flush: true });
  assert.equal(sent.length, 2, 'an empty contribution with the hint releases what is pending');
  await c;
});

await test('empty contributions resolve without being sent', async (t) => {
  const { proc, sent } = await harness(t, 'traces', { timeout: 0 });
  await proc.consume(traces([]));
  await proc.consume({ resourceSpans: [] });
  assert.equal(sent.length, 0);
});

await test('shutdown sends what is pending, waits for exports, and then refuses data', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', { send_batch_size: 2 }, true);
  const before = timers();
  const inflight = [proc.consume(spans('a')), proc.consume(spans('b'))];
  const pending = proc.consume(spans('c'));
  assert.equal(timers(), before + 1);
  const down = proc.shutdown!();
  assert.equal(timers(), before, 'no timer is left behind');
  assert.equal(sent.length, 2);
  assert.deepEqual(names(sent[1]!.data), ['c']);
  assert.equal(sent[1]!.ctx.flush, true);
  assert.equal(await state(down), 'pending');
  sent[1]!.resolve();
  assert.equal(await state(down), 'pending', 'the first export is still in flight');
  sent[0]!.resolve();
  await down;
  assert.equal(await state(pending), 'resolved');
  await Promise.all(inflight);
  await proc.shutdown!();
  await assert.rejects(proc.consume(spans('late')), (e) => e instanceof ConsumerError && e.retryable);
  assert.equal(sent.length, 2);
  assert.equal(await count(FLUSH), 1);
});

await test('never throws synchronously', async (t) => {
  const settings = testProcessorSettings(ID, 'traces');
  const boom = new Error('sync');
  const next = {
    consume: (): Promise<void> => {
      throw boom;
    },
  };
  const proc = await batchFactory.createProcessor(
    settings,
    { send_batch_size: 1, send_batch_max_size: 0, timeout: 0 },
    next,
  );
  t.after(() => proc.shutdown?.());
  await assert.rejects(proc.consume(spans('a')), (e) => e === boom);
  await assert.rejects(proc.consume({ resourceSpans: 'nope' } as unknown as Traces));
});

await test('metrics pipelines batch and split by data point', async (t) => {
  const { proc, sent } = await harness(t, 'metrics', { send_batch_size: 5, send_batch_max_size: 2 });
  const points = [1, 2, 3, 4, 5].map((v) => numberPoint(v, BigInt(v)));
  const a = proc.consume(metrics([metric({ name: 'g', unit: '1', gauge: { dataPoints: points.slice(0, 3) } })]));
  const b = proc.consume(metrics([metric({ name: 'g', unit: '1', gauge: { dataPoints: points.slice(3) } })]));
  assert.equal(sent.length, 3);
  await Promise.all([a, b]);
  assert.deepEqual(
    sent.map((e) => e.items),
    [2, 2, 1],
  );
  const values = sent.flatMap((e) =>
    (e.data as Metrics).resourceMetrics.flatMap((r) =>
      r.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => dataPointsOf(m))),
    ),
  );
  assert.deepEqual(values, points);
});

await test('logs pipelines batch by log record', async (t) => {
  const { proc, sent, count } = await harness(t, 'logs', { send_batch_size: 3 });
  const l = (...texts: string[]) => logs(texts.map((severityText) => logRecord({ severityText })));
  const done = [proc.consume(l('a', 'b')), proc.consume(l('c'))];
  assert.equal(sent.length, 1);
  await Promise.all(done);
  const texts: string[] = [];
  forEachLogRecord(sent[0]!.data as Logs, (r) => texts.push(r.severityText));
  assert.deepEqual(texts, ['a', 'b', 'c']);
  assert.equal(await count(SIZE), 1);
});

await test('config: schema, validate and testdata', () => {
  const ajv = new Ajv({
    useDefaults: true,
    allowUnionTypes: true,
    keywords: [{ keyword: 'duration', schemaType: 'boolean' }],
  });
  const check = ajv.compile(batchConfigSchema);
  const load = (name: string): unknown =>
    parse(readFileSync(new URL(`testdata/${name}.yaml`, import.meta.url), 'utf8'));
  const defaults = load('defaults');
  assert.ok(check(defaults));
  assert.deepEqual(defaults, { send_batch_size: 8192, timeout: '200ms' });
  assert.equal(
    maxBatchSize({ ...(defaults as { send_batch_size: number }), timeout: 200 }),
    8192,
    'bounded by default, unlike the Collector',
  );
  assert.equal(maxBatchSize({ send_batch_size: 20_000, timeout: 0 }), 20_000, 'never below send_batch_size');
  assert.equal(maxBatchSize({ send_batch_size: 100, send_batch_max_size: 0, timeout: 0 }), 0, '0 stays unbounded');
  assert.deepEqual(validateBatchConfig({ send_batch_size: 20_000, timeout: 0 }), []);
  assert.ok(check(load('valid')));
  assert.ok(!check(load('unknown-key')));
  assert.ok(!check(load('invalid-negative-size')));
  const below = load('invalid-max-below-size') as BatchConfig;
  assert.ok(check(below));
  assert.deepEqual(
    validateBatchConfig({ ...below, timeout: 200 }).map((i) => i.path),
    [['send_batch_max_size']],
  );
  assert.deepEqual(validateBatchConfig({ send_batch_size: 10, send_batch_max_size: 0, timeout: 0 }), []);
  assert.deepEqual(
    validateBatchConfig({ send_batch_size: 10, send_batch_max_size: 10, timeout: 2 ** 31 }).map((i) => i.path),
    [['timeout']],
  );
});

const IDLE = 'otelhub_processor_batch_idle_trigger_send_total';
const WITHDRAWN = 'otelhub_processor_batch_withdrawn_items_total';

await test('a waiting client is sent at once when no export is in flight; others gather behind one (group commit)', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', {}, true);
  const sync: ConsumeContext = { sync: true };
  const a = proc.consume(spans('a'), sync);
  assert.equal(sent.length, 1, 'idle: not held for the timer');
  const b = proc.consume(spans('b'), sync);
  const c = proc.consume(spans('c'), sync);
  assert.equal(sent.length, 1, 'an export is in flight: b and c wait for it');
  sent[0]!.resolve();
  await a;
  assert.equal(sent.length, 2);
  assert.deepEqual(names(sent[1]!.data), ['b', 'c']);
  assert.equal(sent[1]!.ctx.sync, true, 'the export says a client waits for it');
  sent[1]!.resolve();
  await Promise.all([b, c]);
  assert.equal(await count(IDLE), 2);
  assert.equal(await count(TIMEOUT), 0);
});

await test('data without a waiting client still waits for the timer', async (t) => {
  const { proc, sent } = await harness(t, 'traces', {});
  const a = proc.consume(spans('a'));
  assert.equal(sent.length, 0);
  assert.equal(await state(a), 'pending');
  await proc.shutdown?.();
  await a;
});

await test('a contribution whose sender gave up before it was sent is withdrawn; the rest of the batch is sent', async (t) => {
  const { proc, sent, count } = await harness(t, 'traces', {});
  const gone = new AbortController();
  const a = proc.consume(spans('a1', 'a2'), { signal: gone.signal });
  const b = proc.consume(spans('b'));
  gone.abort(new Error('deadline'));
  await assert.rejects(a, (e: unknown) => e instanceof ConsumerError && e.retryable && /withdrawn/.test(e.message));
  await proc.consume(traces([]), { flush: true });
  await b;
  assert.equal(sent.length, 1);
  assert.deepEqual(names(sent[0]!.data), ['b']);
  assert.equal(await count(WITHDRAWN), 2);
  await assert.rejects(proc.consume(spans('late'), { signal: gone.signal }), /withdrawn/);
});

await test('an export carries the latest deadline of its contributions and aborts only when all of them gave up', async (t) => {
  const { proc, sent } = await harness(t, 'traces', {}, true);
  const x = new AbortController();
  const y = new AbortController();
  void proc.consume(spans('a'), { deadline: 1000, signal: x.signal }).catch(() => {});
  void proc.consume(spans('b'), { deadline: 2000, signal: y.signal }).catch(() => {});
  void proc.consume(traces([]), { flush: true });
  const ctx = sent[0]!.ctx;
  assert.equal(ctx.deadline, 2000);
  x.abort();
  assert.equal(ctx.signal?.aborted, false, 'b still waits: its data is not given up');
  y.abort();
  assert.equal(ctx.signal?.aborted, true);
  assert.equal(sent.length, 1, 'sent data is not withdrawn from the batch: only its retries stop');

  void proc.consume(spans('c'), { deadline: 1000, signal: x.signal }).catch(() => {});
  void proc.consume(spans('d')).catch(() => {});
  void proc.consume(traces([]), { flush: true });
  assert.equal(sent.length, 2);
  const last = sent[1]!;
  assert.deepEqual(names(last.data), ['d'], 'c was refused at once: its sender had given up');
  assert.equal(last.ctx.deadline, undefined, 'd has no deadline, so the export has none');
  assert.equal(last.ctx.signal, undefined);
});
