import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { ConsumeContext } from '../../core/consumer.ts';
import { consumerFn } from '../../core/consumer.ts';
import { isPermanent } from '../../core/errors.ts';
import type { SignalData, Traces } from '../../core/pdata/index.ts';
import { forEachSpan, span, traces } from '../../core/pdata/index.ts';
import { testProcessorSettings } from '../../test/helpers/settings.ts';
import type { BatchConfig } from './config.ts';
import { validateBatchConfig } from './config.ts';
import { batchFactory } from './factory.ts';
import { TOO_MANY_BATCHERS } from './metadata-batcher.ts';

const ID = 'batch/tenants';

async function harness(t: TestContext, cfg: Partial<BatchConfig>) {
  const settings = testProcessorSettings(ID, 'traces');
  const sent: { names: string[]; ctx: ConsumeContext }[] = [];
  const next = consumerFn<SignalData>(async (data, ctx) => {
    const names: string[] = [];
    forEachSpan(data as Traces, (s) => names.push(s.name));
    sent.push({ names, ctx });
  });
  const config: BatchConfig = {
    send_batch_size: 2,
    timeout: 60_000,
    metadata_keys: ['X-Tenant'],
    metadata_cardinality_limit: 1000,
    ...cfg,
  };
  const proc = await batchFactory.createProcessor(settings, config, next);
  t.after(() => proc.shutdown?.());
  const from = (tenant: string | undefined, extra: Record<string, string[]> = {}): ConsumeContext => ({
    metadata: { ...(tenant === undefined ? {} : { 'x-tenant': [tenant] }), ...extra },
  });
  const cardinality = () => settings.telemetry.value('otelcol_processor_batch_metadata_cardinality', { processor: ID });
  return { proc, sent, from, cardinality, settings };
}

const spans = (...names: string[]) => traces(names.map((name) => span({ name })));

describe('batch: metadata_keys', () => {
  it("never merges two tenants' data: each batch fills and sends on its own, carrying only its tenant", async (t) => {
    const h = await harness(t, {});
    const a1 = h.proc.consume(spans('a1'), h.from('a', { authorization: ['secret'] }));
    const b1 = h.proc.consume(spans('b1'), h.from('b'));
    assert.equal(h.sent.length, 0, 'one item each: neither batch is full');
    const a2 = h.proc.consume(spans('a2'), h.from('a'));
    await Promise.all([a1, a2]);
    assert.deepEqual(h.sent, [{ names: ['a1', 'a2'], ctx: h.sent[0]?.ctx }]);
    assert.deepEqual(h.sent[0]?.ctx.metadata, { 'x-tenant': ['a'] }, 'only the keys batched by go on');
    const b2 = h.proc.consume(spans('b2'), h.from('b'));
    await Promise.all([b1, b2]);
    assert.deepEqual(h.sent[1]?.names, ['b1', 'b2']);
    assert.deepEqual(h.sent[1]?.ctx.metadata, { 'x-tenant': ['b'] });
  });

  it('data without the key is a combination of its own, sent without metadata', async (t) => {
    const h = await harness(t, {});
    const x = h.proc.consume(spans('x1'), h.from(undefined));
    const a = h.proc.consume(spans('a1'), h.from('a'));
    const y = h.proc.consume(spans('x2'));
    await Promise.all([x, y]);
    assert.deepEqual(h.sent[0]?.names, ['x1', 'x2']);
    assert.deepEqual(h.sent[0]?.ctx.metadata, {});
    await h.proc.shutdown?.();
    await a;
    assert.deepEqual(h.sent[1]?.names, ['a1'], 'shutdown sends what each batch holds');
  });

  it('has a timer per combination: each batch goes at its own timeout, alone', async (t) => {
    const h = await harness(t, { send_batch_size: 100, timeout: 20 });
    await Promise.all([h.proc.consume(spans('a1'), h.from('a')), h.proc.consume(spans('b1'), h.from('b'))]);
    assert.deepEqual(h.sent.map((s) => s.names).sort(), [['a1'], ['b1']]);
  });

  it('past metadata_cardinality_limit new combinations are refused (permanently, as the Collector); a finished one frees its place', async (t) => {
    const h = await harness(t, { metadata_cardinality_limit: 2 });
    const a = h.proc.consume(spans('a1'), h.from('a'));
    const b = h.proc.consume(spans('b1'), h.from('b'));
    assert.equal(await h.cardinality(), 2);
    await assert.rejects(
      h.proc.consume(spans('c1'), h.from('c')),
      (e) => isPermanent(e) && (e as Error).message === TOO_MANY_BATCHERS,
    );
    const warned = h.settings.logger.lines.filter((l) => String(l.msg).includes('metadata_cardinality_limit reached'));
    assert.equal(warned.length, 1);
    const more = h.proc.consume(spans('a2'), h.from('a'));
    await Promise.all([a, more]);
    await new Promise((r) => setImmediate(r)); // the export's bookkeeping settles after its senders are answered
    // a's batch was sent and nothing of it remains: its place is free.
    const c = h.proc.consume(spans('c1'), h.from('c'));
    assert.equal(await h.cardinality(), 2);
    await h.proc.shutdown?.();
    await Promise.all([b, c]);
  });

  it('a combination refused before it held anything does not take a place', async (t) => {
    const h = await harness(t, { metadata_cardinality_limit: 1 });
    const gone = AbortSignal.abort(new Error('client left'));
    await assert.rejects(h.proc.consume(spans('x1'), { ...h.from('x'), signal: gone }));
    assert.equal(await h.cardinality(), 0);
    const a = h.proc.consume(spans('a1'), h.from('a'));
    assert.equal(await h.cardinality(), 1);
    await h.proc.shutdown?.();
    await a;
  });

  it('refuses the same key twice, in any case', () => {
    const issues = validateBatchConfig({ send_batch_size: 1, timeout: 0, metadata_keys: ['X-Tenant', 'x-tenant'] });
    assert.deepEqual(
      issues.map((i) => i.path),
      [['metadata_keys', 1]],
    );
  });
});
