// Presence of the members of one shared group, kept on the broker itself so that no other service is needed: each
// member publishes a retained record at `<topic>/<group>/<client_id>` and subscribes to `<topic>/<group>/+`. Its
// will, also retained, marks it gone when its connection dies without a DISCONNECT (SIGKILL, node loss). An empty
// retained message removes a record (a member that left). It runs on a connection of its own (clean, no session),
// so presence traffic never touches the receiver's flow control and window.
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { attachSatAuth } from './sat-auth.ts';

/**
 * up: connected, its session alive. leaving: draining to end its session. gone: disconnected without leaving (its
 * session stays on the broker and keeps receiving its share). adopting: another member (`by`) drains its session.
 */
export type MemberState = 'up' | 'leaving' | 'gone' | 'adopting';

export interface MemberRecord {
  state: MemberState;
  by?: string;
  /** The member's subscription filters: a session is adopted only by a member with the same ones. */
  subscriptions?: string[];
}

/** How long a reconnect of the presence connection waits; it holds no session, so a fixed period is enough. */
const RECONNECT_MS = 2_000;
const STATES: ReadonlySet<string> = new Set(['up', 'leaving', 'gone', 'adopting']);

export interface PresenceOptions {
  /** `<topic>/<group>`. */
  prefix: string;
  self: string;
  /** The receiver's connection options (TLS, credentials, protocol); client ID and session are replaced. */
  base: IClientOptions;
  endpoint: string;
  satTokenFile?: string;
  logger: Logger;
  /** A record changed (undefined: removed). Called for our own record too. */
  changed(id: string, record: MemberRecord | undefined): void;
}

export function parseRecord(payload: Buffer): MemberRecord | undefined {
  if (payload.byteLength === 0) return undefined;
  try {
    const v = JSON.parse(payload.toString('utf8')) as Partial<MemberRecord>;
    if (typeof v.state !== 'string' || !STATES.has(v.state)) return undefined;
    return v as MemberRecord;
  } catch {
    return undefined;
  }
}

export class Presence {
  readonly members = new Map<string, MemberRecord>();
  private readonly client: MqttClient;
  private sat: { close(): void } | undefined;
  private readonly waiters = new Set<() => void>();
  private own: MemberRecord;

  constructor(
    private readonly opts: PresenceOptions,
    initial: MemberRecord,
  ) {
    this.own = initial;
    const gone: MemberRecord = { state: 'gone', subscriptions: initial.subscriptions };
    this.client = mqtt.connect(opts.endpoint, {
      ...opts.base,
      clientId: `${opts.self}-presence`,
      clean: true,
      properties: { ...opts.base.properties, sessionExpiryInterval: 0, receiveMaximum: 100 },
      reconnectPeriod: RECONNECT_MS,
      resubscribe: false,
      manualConnect: true,
      will: { topic: this.topicOf(opts.self), payload: Buffer.from(JSON.stringify(gone)), qos: 1, retain: true },
    });
    this.client.on('connect', () => void this.onConnect());
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.client.on('error', (err: Error) => opts.logger.debug('presence connection error', { error: err.message }));
    if (opts.satTokenFile !== undefined)
      this.sat = attachSatAuth(this.client, { tokenFile: opts.satTokenFile, logger: opts.logger });
  }

  start(): void {
    this.client.connect();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private topicOf(id: string): string {
    return `${this.opts.prefix}/${id}`;
  }

  private async onConnect(): Promise<void> {
    try {
      await this.client.subscribeAsync(`${this.opts.prefix}/+`, { qos: 1 });
      await this.publish(this.opts.self, this.own);
    } catch (err) {
      this.opts.logger.warn('cannot announce this member on the MQTT broker', {
        topic: this.topicOf(this.opts.self),
        error: errorMessage(err),
      });
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const id = topic.slice(this.opts.prefix.length + 1);
    if (id === '' || id.includes('/')) return;
    const record = parseRecord(payload);
    if (record) this.members.set(id, record);
    else this.members.delete(id);
    this.opts.changed(id, record);
    for (const w of this.waiters) w();
  }

  /** Publishes `id`'s record, retained (undefined removes it); resolves once the broker has it. */
  async publish(id: string, record: MemberRecord | undefined): Promise<void> {
    if (id === this.opts.self && record) this.own = record;
    const payload = record ? JSON.stringify(record) : '';
    await this.client.publishAsync(this.topicOf(id), payload, { qos: 1, retain: true });
  }

  /** Resolves true once `ok()` holds after a record arrived (or at once), false after `timeoutMs`. */
  waitFor(ok: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ok()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (!ok()) return;
        finish(true);
      };
      const finish = (v: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    this.sat?.close();
    await this.client.endAsync(!this.client.connected).catch(() => undefined);
  }
}
