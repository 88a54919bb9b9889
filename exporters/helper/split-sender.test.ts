// The split sender on its own, over a Send the test scripts: what it does with each kind of failure part-way through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerError, permanentError, refusedError, retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { memoryLogger } from '../../core/logger.ts';
import type { ExportData, Send } from './send.ts';
import { MAX_REFUSED_ALONE, SplitSender } from './split-sender.ts';

function sender(answer: (items: string[], n: number) => unknown) {
  const sent: string[][] = [];
  const next: Send = (data: ExportData, signal: PipelineType) => {
    const items = itemNames(signal, data);
    sent.push(items);
    const r = answer(items, sent.length - 1);
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r ?? {});
  };
  const telemetry = new Telemetry();
  return { split: new SplitSender(telemetry, 'x', memoryLogger(), next), sent, telemetry };
}

describe('split sender', () => {
  it('passes a request through untouched when it is accepted', async () => {
    const { split, sent } = sender(() => undefined);
    await split.send(namedItems('logs', names(5)), 'logs');
    assert.deepEqual(sent, [names(5)]);
  });

  it('does not split on a retryable or a plain permanent error', async () => {
    for (const err of [retryableError('down'), permanentError('HTTP 404')]) {
      const { split, sent } = sender(() => err);
      await assert.rejects(split.send(namedItems('logs', names(4)), 'logs'), (e) => e === err);
      assert.equal(sent.length, 1);
    }
  });

  it('halves a too-large request, recursively, in order', async () => {
    const { split, sent } = sender((items) => (items.length > 2 ? refusedError('413', 'too_large') : undefined));
    await split.send(namedItems('traces', names(7)), 'traces');
    const accepted = sent.filter((s) => s.length <= 2);
    assert.deepEqual(accepted.flat(), names(7));
  });

  it('fails retryably when a half fails retryably, so the sender upstream keeps the whole request', async () => {
    const { split } = sender((items, n) =>
      n === 0 ? refusedError('400', 'refused') : items.includes('i3') ? retryableError('503') : undefined,
    );
    const err = await split.send(namedItems('logs', names(4)), 'logs').catch((e: unknown) => e);
    assert.ok(err instanceof ConsumerError && err.retryable && /503/.test(err.message));
  });

  it('sums the partial successes of the halves', async () => {
    const { split } = sender((items, n) =>
      n === 0 ? refusedError('400', 'refused') : { partialSuccess: { rejected: items.length, errorMessage: 'old' } },
    );
    const r = await split.send(namedItems('metrics', names(5)), 'metrics');
    assert.deepEqual(r.partialSuccess, { rejected: 5, errorMessage: 'old' });
  });

  it('rejects with the refusal itself when a single item is refused', async () => {
    const refusal = refusedError('400 bad', 'refused');
    const { split, telemetry } = sender(() => refusal);
    await assert.rejects(split.send(namedItems('logs', ['only']), 'logs'), (e) => e === refusal);
    assert.equal(await telemetry.value('otelhub_exporter_dropped_items_total', { reason: 'refused' }), 1);
  });

  it(`stops splitting once ${MAX_REFUSED_ALONE} items of a request were refused on their own`, async () => {
    const { split, sent, telemetry } = sender(() => refusedError('500', 'refused'));
    const err = await split.send(namedItems('traces', names(1024)), 'traces').catch((e: unknown) => e);
    assert.ok(err instanceof ConsumerError && !err.retryable && /all 1024 items refused: 500/.test(err.message));
    assert.equal(await telemetry.value('otelhub_exporter_dropped_items_total', { reason: 'refused' }), 1024);
    // Down to the first items one by one (10 levels), then each refused part whole: far below 2n-1 = 2047.
    assert.ok(sent.length < 80, `${sent.length} requests`);
    assert.equal(sent.filter((s) => s.length === 1).length, MAX_REFUSED_ALONE);
  });

  it('finds every poisoned item while under the bound', async () => {
    const bad = new Set(['i3', 'i200', 'i511']);
    const { split, sent } = sender((items) =>
      items.some((i) => bad.has(i)) ? refusedError('400', 'refused') : undefined,
    );
    await split.send(namedItems('logs', names(512)), 'logs');
    const delivered = sent.filter((s) => !s.some((i) => bad.has(i))).flat();
    assert.deepEqual(
      delivered,
      names(512).filter((n) => !bad.has(n)),
    );
  });
});
