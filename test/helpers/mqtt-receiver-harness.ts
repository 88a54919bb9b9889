// For the mqtt receiver's tests: a receiver in front of a consumer that records what arrives and can be told to fail
// or to hold messages in flight, and a publisher (MQTT.js, as a device would publish).
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { ReceiverConsumers } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { permanentError, retryableError } from '../../core/errors.ts';
import type { Message, Messages } from '../../core/pdata/index.ts';
import { validateConfig } from '../../config/schema.ts';
import { eventually } from './hub.ts';
import { testSettings } from './settings.ts';
import type { TestSettings } from './settings.ts';
import type { MqttReceiverConfig } from '../../receivers/mqtt/config.ts';
import { mqttReceiverFactory } from '../../receivers/mqtt/factory.ts';
import { MqttReceiver } from '../../receivers/mqtt/mqtt-receiver.ts';

export interface Recorder {
  /** Messages delivered (consume resolved), in order of delivery. */
  got: Message[];
  /** The context of every consume call, in call order. */
  ctxs: ConsumeContext[];
  /** Every consume call, delivered or not. */
  calls: number;
  /** Messages in every consume call, delivered or not (one call carries all the messages that arrived together). */
  offered: number;
  /** How many messages each consume call carried, in call order. */
  sizes: number[];
  /** consume calls not yet settled. */
  pending: number;
  /** What consume does: deliver, fail (retryably or permanently), or hold until release(). */
  mode: 'deliver' | 'retryable' | 'permanent' | 'hold';
  /** Settles every held call (delivering it) and switches back to deliver. */
  release(): void;
  payloads(): string[];
}

export function recorder(): { rec: Recorder; next: ReceiverConsumers } {
  let held: (() => void)[] = [];
  const rec: Recorder = {
    got: [],
    ctxs: [],
    calls: 0,
    offered: 0,
    sizes: [],
    pending: 0,
    mode: 'deliver',
    release() {
      rec.mode = 'deliver';
      const h = held;
      held = [];
      for (const r of h) r();
    },
    payloads: () => rec.got.map((m) => Buffer.from(m.payload).toString()),
  };
  const all: Consumer = {
    async consume(data, ctx) {
      rec.calls++;
      rec.offered += (data as Messages).messages.length;
      rec.sizes.push((data as Messages).messages.length);
      rec.pending++;
      rec.ctxs.push(ctx ?? {});
      try {
        if (rec.mode === 'hold') await new Promise<void>((r) => held.push(r));
        if (rec.mode === 'retryable') throw retryableError('test consumer is down');
        if (rec.mode === 'permanent') throw permanentError('test consumer refuses');
        rec.got.push(...(data as Messages).messages);
      } finally {
        rec.pending--;
      }
    },
  };
  return { rec, next: { byType: { metrics: all }, all } };
}

export interface Harness {
  receiver: MqttReceiver;
  rec: Recorder;
  settings: TestSettings;
  /** Resolves once the receiver reported `ok` (subscribed) after `since` reports. */
  ready(since?: number): Promise<void>;
  stop(): Promise<void>;
}

let seq = 0;
/** A client ID no other test uses (tests share a broker only within a file, but sessions persist). */
export function uniqueId(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${++seq}`;
}

/** Validates `config` as the hub would, then creates and starts the receiver (id `mqtt`). */
export async function startReceiver(
  config: Record<string, unknown>,
  opts: { rec?: ReturnType<typeof recorder>; id?: string } = {},
): Promise<Harness> {
  const { value, issues } = validateConfig(mqttReceiverFactory.configSchema, {
    client_id: uniqueId(),
    reconnect: { min: '50ms', max: '200ms' },
    ...config,
  });
  const all = issues.length ? issues : (mqttReceiverFactory.validate?.(value as MqttReceiverConfig) ?? []);
  if (all.length) throw new Error(`invalid test config: ${JSON.stringify(all)}`);
  const { rec, next } = opts.rec ?? recorder();
  const settings = testSettings(opts.id ?? 'mqtt', 'receiver');
  const receiver = new MqttReceiver(settings, value as MqttReceiverConfig, next, { dropLogIntervalMs: 50 });
  await receiver.start();
  return {
    receiver,
    rec,
    settings,
    ready: (since = 0) =>
      eventually(
        () => settings.statuses.slice(since).includes('ok'),
        `receiver subscribed; statuses ${settings.statuses.join(',')}; logs ${JSON.stringify(settings.logger.lines.slice(-3))}`,
      ),
    // Held messages are released after shutdown began, so a test that failed while holding still stops.
    stop: () => {
      const stopped = receiver.shutdown();
      rec.release();
      return stopped;
    },
  };
}

export function publisher(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 5, clientId: uniqueId('pub'), reconnectPeriod: 0, ...opts });
}

/** Publishes `count` QoS 1 messages `prefix0`, `prefix1`, ... to `topic`, each acknowledged by the broker. */
export async function publishMany(pub: MqttClient, topic: string, count: number, prefix = 'm'): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; i < count; i++) {
    await pub.publishAsync(topic, `${prefix}${i}`, { qos: 1 });
    sent.push(`${prefix}${i}`);
  }
  return sent;
}
