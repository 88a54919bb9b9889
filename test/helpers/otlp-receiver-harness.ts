// For the otlp receiver's tests: a receiver on port 0 in front of a consumer that records what arrives and can be told
// to fail or to hold data in flight.
import type { Extension, ReceiverConsumers } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import type { PipelineType, SignalData } from '../../core/pdata/index.ts';
import { PIPELINE_TYPES } from '../../core/pdata/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { hostWith, testSettings } from './settings.ts';
import type { TestSettings } from './settings.ts';
import { otlpReceiverFactory } from '../../receivers/otlp/factory.ts';
import type { OtlpReceiverConfig } from '../../receivers/otlp/config.ts';
import type { OtlpReceiver } from '../../receivers/otlp/otlp-receiver.ts';

export interface Recorder {
  got: Record<PipelineType, SignalData[]>;
  ctxs: ConsumeContext[];
  /** The context of every call, as it started (its signal shows a withdrawal while the call is held). */
  started: ConsumeContext[];
  calls: number;
  /** Thrown by the next consume calls, one each, in order. */
  failures: unknown[];
  /** While set, consume waits for it (data in flight). */
  gate: Promise<void> | undefined;
}

export function recorder(signals: readonly PipelineType[] = PIPELINE_TYPES): {
  rec: Recorder;
  next: ReceiverConsumers;
} {
  const rec: Recorder = {
    got: { traces: [], metrics: [], logs: [] },
    ctxs: [],
    started: [],
    calls: 0,
    failures: [],
    gate: undefined,
  };
  const consumer = (signal: PipelineType): Consumer => ({
    async consume(data, ctx) {
      rec.calls++;
      rec.started.push(ctx ?? {});
      if (rec.gate) await rec.gate;
      if (rec.failures.length) throw rec.failures.shift();
      rec.got[signal].push(data);
      rec.ctxs.push(ctx ?? {});
    },
  });
  const byType = Object.fromEntries(signals.map((s) => [s, consumer(s)]));
  const all: Consumer = { consume: () => Promise.reject(new Error('not used')) };
  return { rec, next: { byType, all } };
}

export interface Harness {
  receiver: OtlpReceiver;
  rec: Recorder;
  settings: TestSettings;
  /** `http://localhost:port` of each listener. */
  grpcUrl: string;
  httpUrl: string;
  stop(): Promise<void>;
}

/** Validates `config` as the hub would (defaults, validate()), then creates and starts the receiver. */
export async function startReceiver(
  config: Record<string, unknown> = {
    protocols: { grpc: { endpoint: 'localhost:0' }, http: { endpoint: 'localhost:0' } },
  },
  opts: { signals?: readonly PipelineType[]; extensions?: Record<string, Extension>; scheme?: 'http' | 'https' } = {},
): Promise<Harness> {
  const { value, issues } = validateConfig(otlpReceiverFactory.configSchema, config);
  const all = issues.length ? issues : (otlpReceiverFactory.validate?.(value as OtlpReceiverConfig) ?? []);
  if (all.length) throw new Error(`invalid test config: ${JSON.stringify(all)}`);
  const { rec, next } = recorder(opts.signals);
  const settings = testSettings('otlp', 'receiver');
  const receiver = (await otlpReceiverFactory.createReceiver(
    settings,
    value as OtlpReceiverConfig,
    next,
  )) as OtlpReceiver;
  await receiver.start(hostWith(opts.extensions));
  const scheme = opts.scheme ?? 'http';
  return {
    receiver,
    rec,
    settings,
    grpcUrl: `${scheme}://localhost:${receiver.grpcPort ?? 0}`,
    httpUrl: `${scheme}://localhost:${receiver.httpPort ?? 0}`,
    stop: () => receiver.shutdown(),
  };
}
