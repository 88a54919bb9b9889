// Puts a FlowGate between every connection's socket and MQTT.js (see flow-gate.ts), so that the receiver holds at
// most receive_maximum unacknowledged QoS 1 messages and max_inflight_bytes, whatever the broker sends.
import type { MqttClient } from 'mqtt';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import type { Duplex } from 'node:stream';
import type { Counter } from 'prom-client';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { DropReporterOptions } from '../../core/drop-reporter.ts';
import type { Logger } from '../../core/logger.ts';
import { FlowGate } from './flow-gate.ts';
import type { GateHooks, GateLimits } from './flow-gate.ts';

export const TOO_LARGE = 'too_large';

export interface FlowControlOptions extends GateLimits {
  logger: Logger;
  receiverId: string;
  /** otelhub_receiver_mqtt_dropped_messages_total */
  dropped: Counter;
  logIntervalMs?: number;
  /** Where dropped messages are sampled (the console). */
  samples?: DropReporterOptions['samples'];
  /** Where the gate hands the PUBLISHes it decodes itself (MQTT.js's handleMessage gets the others). */
  publish?: (packet: IPublishPacket) => void;
}

export interface FlowControl {
  /** The current connection's gate (undefined before the first connection). */
  readonly gate: FlowGate | undefined;
  /** The most QoS 1 messages and bytes (in the pipelines plus waiting in the gate) held at once so far. */
  readonly peak: { messages: number; bytes: number };
  /** Shutdown: takes no more messages, so that the DISCONNECT exchange completes even while reading was stopped. */
  closing(): void;
  close(): void;
}

type StreamBuilder = (client: MqttClient) => Duplex;

/** Wraps the client's stream builder; call before the client connects. */
export function attachFlowControl(client: MqttClient, opts: FlowControlOptions): FlowControl {
  // MQTT.js 5.16 builds each connection's stream with its private `streamBuilder` (set by mqtt.connect from the URL).
  // Checked here so that an upgrade that renames it fails at start, not by flooding the hub under load.
  const internal = client as unknown as { streamBuilder?: unknown };
  if (typeof internal.streamBuilder !== 'function')
    throw new Error('MqttClient.streamBuilder is missing from this MQTT.js; the receiver needs it for flow control');
  const inner = internal.streamBuilder as StreamBuilder;
  const { logger } = opts;
  const drops = new DropReporter(logger, {
    counter: opts.dropped,
    labels: { receiver: opts.receiverId },
    message: 'dropped MQTT messages larger than max_packet_size',
    intervalMs: opts.logIntervalMs,
    samples: opts.samples,
  });
  const peak = { messages: 0, bytes: 0 };
  let gate: FlowGate | undefined;
  // The gate's own PUBLISHes are announced as 'packetreceive' too (whoever watches the connection's packets sees
  // every one), but they are not packets MQTT.js handled.
  let announcing = false;
  const publish = opts.publish;
  const hooks: GateHooks = {
    keepAliveMs: () => client.keepalive * 1000,
    awaitingAnswer: () => {
      for (const _ in client.outgoing) return true;
      return false;
    },
    alive: () => client.reschedulePing(true),
    tooLarge: (topic: string, bytes: number) =>
      drops.drop(TOO_LARGE, 1, { topic, bytes, max_packet_size: opts.maxPacketSize }),
    overrun: () =>
      logger.info(
        'the MQTT broker sends beyond receive_maximum; the receiver holds the rest and reads at its own pace',
        {
          receive_maximum: opts.maxMessages,
        },
      ),
    changed: (g: FlowGate) => {
      peak.messages = Math.max(peak.messages, g.inflightMessages);
      peak.bytes = Math.max(peak.bytes, g.inflightBytes + g.waitingBytes);
    },
  };
  if (publish)
    hooks.publish = (packet) => {
      announcing = true;
      try {
        client.emit('packetreceive', packet);
      } finally {
        announcing = false;
      }
      publish(packet);
    };
  internal.streamBuilder = ((c: MqttClient) => (gate = new FlowGate(inner(c), opts, hooks))) satisfies StreamBuilder;
  // Every PUBACK, MQTT.js's own (heartbeats) and the receiver's, goes through 'packetsend'.
  const onSend = (p: Packet) => {
    if (p.cmd === 'puback' && p.messageId !== undefined) gate?.acked(p.messageId);
    else if (p.cmd === 'subscribe' || p.cmd === 'publish') gate?.updateReading();
  };
  client.on('packetsend', onSend);
  const onReceive = () => {
    if (!announcing) gate?.handled();
  };
  client.on('packetreceive', onReceive);
  return {
    get gate() {
      return gate;
    },
    peak,
    closing: () => gate?.close(),
    close() {
      client.off('packetsend', onSend);
      client.off('packetreceive', onReceive);
      drops.close();
    },
  };
}
