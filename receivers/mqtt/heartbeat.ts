// Publishes a liveness message (QoS 1) while subscribed, as the Rust trace exporter's replicas do, so a monitor
// of the heartbeat topic sees each receiver that is up. Nothing is published while offline.
import type { MqttClient } from 'mqtt';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

export interface HeartbeatSettings {
  topic: string;
  interval: number;
  payload: string;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly client: MqttClient,
    private readonly cfg: HeartbeatSettings,
    private readonly logger: Logger,
  ) {}

  /** Publishes now and every interval until stop(). */
  start(): void {
    this.stop();
    this.beat();
    this.timer = setInterval(() => this.beat(), this.cfg.interval);
    this.timer.unref();
  }

  /**
   * Stops publishing and forgets heartbeats still waiting for their PUBACK: MQTT.js would keep them across
   * reconnects and make a clean DISCONNECT wait for acknowledgements that will never come.
   */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const [id, pending] of Object.entries(this.client.outgoing)) {
      if (pending.cmd === 'publish') this.client.removeOutgoingMessage(Number(id));
    }
  }

  private beat(): void {
    if (!this.client.connected) return;
    this.client.publish(this.cfg.topic, this.cfg.payload, { qos: 1 }, (err) => {
      if (err?.message === 'Message removed') return;
      // Once per failing streak (an ACL that forbids the topic would otherwise log every interval).
      if (err && !this.failing)
        this.logger.warn('cannot publish the heartbeat', { topic: this.cfg.topic, error: errorMessage(err) });
      this.failing = err !== undefined && err !== null;
    });
  }
}
