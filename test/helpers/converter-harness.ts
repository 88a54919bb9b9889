// A converter processor (messages in) under test: its config validated as the hub would, its downstream a
// recorder that can be told to fail, and its drop log lines. The schema and correlation harnesses build on it.
import type { TestContext } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { ProcessorFactory } from '../../core/component.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import { consumerFn } from '../../core/consumer.ts';
import type { Message, PipelineType, SignalData } from '../../core/pdata/index.ts';
import { testProcessorSettings } from './settings.ts';

/** The config as the hub would hand it over (defaults applied), or a thrown error listing every issue. */
export function validConfig<C>(factory: ProcessorFactory<C>, raw: Record<string, unknown> = {}): C {
  const { value, issues } = validateConfig(factory.configSchema, raw);
  const all = issues.length ? issues : (factory.validate?.(value as C) ?? []);
  if (all.length) throw new Error(`bad test config: ${JSON.stringify(all)}`);
  return value as C;
}

export async function converterHarness<C>(
  t: TestContext,
  factory: ProcessorFactory<C>,
  pipeline: PipelineType,
  raw: Record<string, unknown> = {},
) {
  const settings = testProcessorSettings(`${factory.type}/test`, pipeline);
  const sent: { data: SignalData; ctx: ConsumeContext }[] = [];
  let failWith: Error | undefined;
  const next = consumerFn<SignalData>(async (data, ctx) => {
    if (failWith !== undefined) throw failWith;
    sent.push({ data, ctx });
  });
  const proc = await factory.createProcessor(settings, validConfig(factory, raw), next);
  t.after(() => proc.shutdown?.());
  return {
    proc,
    sent,
    settings,
    /** Makes every downstream consume reject with `err` (undefined: succeed again). */
    fail: (err: Error | undefined) => void (failWith = err),
    send: (...messages: Message[]) => proc.consume({ messages }, {}),
    /** The drop log lines (the first of a window, and summaries). */
    dropLines: () => settings.logger.lines.filter((l) => String(l.msg).startsWith('dropped invalid')),
  };
}
