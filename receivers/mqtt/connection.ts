// The receiver's connection to the broker: connects in the background, subscribes on every connection, and
// reconnects after any loss with exponential backoff and jitter (MQTT.js only offers a fixed period, which makes a
// fleet of clients hammer a broker that just came back in lockstep).
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { IDisconnectPacket, Packet } from 'mqtt-packet';
import { EndlessBackoff } from '../../config/blocks/index.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ResolvedConfig } from './config.ts';

export interface ConnectionEvents {
  /** A CONNACK accepted the connection; called before any PUBLISH of this connection is handled. */
  connected(sessionPresent: boolean): void;
  /** Every filter is subscribed: messages flow. */
  subscribed(): void;
  /** The broker refused the subscription (still connected); it is tried again with backoff. */
  unsubscribed(reason: Error): void;
  /** The connection closed or an attempt failed; a reconnect is scheduled unless stopping. */
  lost(reason: Error): void;
  /** Draining another member's session, and a connection with its client ID took the session over: stopped. */
  takenOver?(): void;
}

/**
 * subscribe: the receiver's own session, subscribed on every connection. drain: a session adopted from a member
 * that vanished (membership.ts): its shared subscriptions are removed on connect, and what it holds drains.
 */
export type ConnectionMode = 'subscribe' | 'drain';

/** MQTT 5 DISCONNECT reason: another connection with this client ID took the session. */
const SESSION_TAKEN_OVER = 0x8e;

// Jitter spreads the reconnects of many receivers; the waits double up to reconnect.max.
const MULTIPLIER = 2;
const RANDOMIZATION = 0.5;
// After stop() asks for a clean DISCONNECT, how long to wait for the broker before dropping the socket.
const DISCONNECT_TIMEOUT_MS = 5_000;

export class Connection {
  readonly client: MqttClient;
  private readonly backoff: EndlessBackoff;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private lastError: Error | undefined;
  /** Failed attempts since the last successful subscription. */
  private failures = 0;
  private wasUp = false;

  constructor(
    private readonly cfg: ResolvedConfig,
    options: IClientOptions,
    private readonly logger: Logger,
    private readonly events: ConnectionEvents,
    /** Re-reads credentials into the options before a reconnect (password file). */
    private readonly refresh: (opts: IClientOptions) => Promise<void>,
    private readonly mode: ConnectionMode = 'subscribe',
  ) {
    const { min, max } = cfg.reconnect;
    this.backoff = new EndlessBackoff({
      initial_interval: min,
      max_interval: max,
      multiplier: MULTIPLIER,
      randomization_factor: RANDOMIZATION,
    });
    this.client = mqtt.connect(cfg.endpoint, options);
    this.client.on('packetreceive', (p: Packet) => this.onPacket(p));
    this.client.on('connect', () => this.subscribe());
    this.client.on('close', () => this.onClose());
    // Without a listener MQTT.js's 'error' events would be thrown.
    this.client.on('error', (err: Error) => (this.lastError = err));
    this.client.on('disconnect', (p: IDisconnectPacket) => this.onServerDisconnect(p));
  }

  /** Makes the first connection attempt; its outcome is reported through the events. */
  start(): void {
    this.client.connect();
  }

  private onPacket(p: Packet): void {
    if (p.cmd !== 'connack') return;
    if ((p.reasonCode ?? p.returnCode ?? 0) !== 0) return;
    this.lastError = undefined;
    this.logger.info('connected to the MQTT broker', {
      endpoint: this.cfg.endpoint,
      client_id: this.cfg.client_id,
      session_present: p.sessionPresent,
      failed_attempts: this.failures,
    });
    this.events.connected(p.sessionPresent);
  }

  private subscribe(): void {
    if (this.mode === 'drain') return void this.unsubscribeOnConnect();
    const v5 = this.cfg.protocol_version === 5;
    const shared = this.cfg.shared_group !== undefined;
    // Retain handling 1: retained messages only for a new subscription, not again on every reconnect. No Local
    // keeps our heartbeats away, but MQTT 5 forbids it on shared subscriptions (the heartbeat is filtered by topic).
    const opts = { qos: this.cfg.qos, ...(v5 ? { rh: 1, nl: !shared } : {}) };
    this.client.subscribe(this.cfg.subscriptions, opts, (err) => {
      if (this.stopping || !this.client.connected) return;
      if (err) {
        const wait = this.nextWait();
        this.logger.error('the MQTT broker refused the subscription; trying again', {
          topics: this.cfg.subscriptions,
          error: errorMessage(err),
          retry_in_ms: wait,
        });
        this.events.unsubscribed(new Error(`subscription refused: ${errorMessage(err)}`));
        this.schedule(wait, () => this.subscribe());
        return;
      }
      this.failures = 0;
      this.wasUp = true;
      this.backoff.reset();
      this.logger.info('subscribed', { topics: this.cfg.subscriptions, qos: this.cfg.qos });
      this.events.subscribed();
    });
  }

  /** Stops new deliveries to this session (its messages already queued still come); resolves on UNSUBACK. */
  async unsubscribe(): Promise<void> {
    await this.client.unsubscribeAsync(this.cfg.subscriptions);
  }

  private unsubscribeOnConnect(): void {
    this.unsubscribe().then(
      () => {
        if (this.stopping || !this.client.connected) return;
        this.failures = 0;
        this.wasUp = true;
        this.backoff.reset();
        this.logger.info('draining an adopted session', { client_id: this.cfg.client_id });
        this.events.subscribed();
      },
      (err: unknown) => {
        if (this.stopping || !this.client.connected) return;
        const wait = this.nextWait();
        this.logger.warn('cannot unsubscribe an adopted session; trying again', {
          client_id: this.cfg.client_id,
          error: errorMessage(err),
          retry_in_ms: wait,
        });
        this.schedule(wait, () => this.unsubscribeOnConnect());
      },
    );
  }

  private onServerDisconnect(p: IDisconnectPacket): void {
    if (this.mode === 'drain' && p.reasonCode === SESSION_TAKEN_OVER) {
      // The member came back (or another adopter won): it owns the session now; reconnecting would take it back.
      this.stopping = true;
      clearTimeout(this.timer);
      this.events.takenOver?.();
      return;
    }
    // 0x8E (session taken over) usually means two receivers share a client_id.
    this.lastError = new Error(
      `the broker disconnected with reason code 0x${(p.reasonCode ?? 0).toString(16)}${p.properties?.reasonString ? ` (${p.properties.reasonString})` : ''}`,
    );
  }

  private onClose(): void {
    if (this.stopping) return;
    const reason = this.lastError ?? new Error('connection closed');
    this.lastError = undefined;
    this.failures++;
    const wait = this.nextWait();
    const fields = {
      endpoint: this.cfg.endpoint,
      error: reason.message,
      retry_in_ms: wait,
      failed_attempts: this.failures,
    };
    // A warning when the outage starts, then again after 2, 4, 8, ... failed attempts (so a long outage keeps
    // showing at warn, at a rate that falls with the backoff); the others at debug.
    if (this.wasUp) this.logger.warn('lost the connection to the MQTT broker; reconnecting', fields);
    else if (this.failures === 1)
      this.logger.warn('cannot connect to the MQTT broker; retrying in the background', fields);
    else if ((this.failures & (this.failures - 1)) === 0)
      this.logger.warn('still cannot connect to the MQTT broker; retrying in the background', fields);
    else this.logger.debug('MQTT connection attempt failed', fields);
    this.wasUp = false;
    this.events.lost(reason);
    this.schedule(wait, () => void this.reconnect());
  }

  // Jitter could draw below reconnect.min, which the operator set as the shortest wait.
  private nextWait(): number {
    return Math.round(this.backoff.next(this.cfg.reconnect.min));
  }

  private schedule(ms: number, fn: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
    this.timer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.refresh(this.client.options);
    } catch (err) {
      // The previous credentials may still work; the broker decides.
      this.logger.warn('cannot re-read MQTT credentials; reconnecting with the previous ones', {
        error: errorMessage(err),
      });
    }
    if (!this.stopping) this.client.reconnect();
  }

  /**
   * Disconnects cleanly and stops reconnecting. DISCONNECT keeps a persistent session on the broker, unless
   * `endSession` (MQTT 5: Session Expiry Interval 0 in the DISCONNECT), for a session drained for good.
   */
  async stop(endSession = false): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    if (!this.client.connected) {
      await this.client.endAsync(true);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISCONNECT_TIMEOUT_MS)));
    const end = endSession && this.cfg.protocol_version === 5 ? { properties: { sessionExpiryInterval: 0 } } : {};
    const ended = this.client.endAsync(false, end);
    await Promise.race([ended, timedOut]);
    clearTimeout(timer);
    // A broker that does not answer (or a heartbeat PUBACK that never comes, which end() waits for): close the socket.
    if (!this.client.disconnected) this.client.stream.destroy();
  }
}
