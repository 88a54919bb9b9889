// The `mqtt` receiver: subscribes to an MQTT broker and sends each message to every pipeline it feeds. A QoS 1
// message is acknowledged (PUBACK) only once all of them settled it, so the broker keeps what the hub could not
// take yet, and its Receive Maximum window is what bounds the hub's memory.
//
// Messages are taken through MQTT.js's handleMessage hook, which MQTT.js calls one message at a time and answers
// with PUBACK when the callback runs. Holding the callback until the pipelines settle would process one message at
// a time (and stall keep-alive handling behind a slow batch), so the callback runs at once with an error, which
// makes MQTT.js skip its PUBACK, and the receiver sends its own when the message settles: many messages are in
// flight, up to receive_maximum. Messages that arrive together are handed to the pipelines in one consume
// (hand-off.ts), each still acknowledged on its own outcome.
import type { IClientOptions } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import type { CreateSettings, Receiver, ReceiverConsumers } from '../../core/component.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { errorMessage } from '../../core/errors.ts';
import { nowUnixNano } from '../../core/pdata/index.ts';
import { applyCredentials, clientOptions, loadCredentials } from './client-options.ts';
import type { MqttReceiverConfig, ResolvedConfig } from './config.ts';
import { resolveConfig } from './config.ts';
import { Connection } from './connection.ts';
import { Delivery } from './delivery.ts';
import type { Offer, Outcome } from './delivery.ts';
import { DeviceSink } from './device-sink.ts';
import { attachFlowControl } from './flow-control.ts';
import type { FlowControl } from './flow-control.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import type { EmbeddedBroker } from './embedded-broker.ts';
import { HandOff } from './hand-off.ts';
import { Heartbeat } from './heartbeat.ts';
import { Inflight } from './inflight.ts';
import type { Entry } from './inflight.ts';
import { Membership } from './membership.ts';
import type { Adopter, AdoptionEnd } from './membership.ts';
import { membershipEnabled } from './membership-config.ts';
import { Presence } from './presence.ts';
import { waitDrained } from './session-drain.ts';
import type { DrainState } from './session-drain.ts';
import { toMessage } from './message-map.ts';
import { membershipMetrics, receiverMetrics } from './metrics.ts';
import type { ReceiverMetrics } from './metrics.ts';
import { PubackWriter } from './puback-writer.ts';
import { attachSatAuth } from './sat-auth.ts';
import { ConnectionLog, connectionView, devicesView } from './inspect-view.ts';

/** Passed to handleMessage's callback so MQTT.js does not send its own PUBACK (see the top of this file). */
const ACK_LATER = new Error('acknowledged by the receiver once the pipelines settle');

/** Time kept back from the shutdown's first stage for the DISCONNECT after a leaving member's drain. */
const LEAVE_MARGIN_MS = 1_000;

export interface MqttReceiverOptions {
  dropLogIntervalMs?: number;
  /** Internal (membership.ts): drain the session of the member with this client ID instead of subscribing. */
  adopting?: string;
}

/** A message on its way to the pipelines, with its in-flight entry (none for QoS 0). */
interface Pending extends Offer {
  readonly entry: Entry | undefined;
}

export class MqttReceiver implements Receiver {
  /** Resolved at construction (defaults derived from the receiver ID and topics). */
  cfg: ResolvedConfig;
  private broker: EmbeddedBroker | undefined;
  /** With the embedded broker: where its devices' messages enter the delivery. */
  private deviceSink: DeviceSink | undefined;
  private connection: Connection | undefined;
  private readonly inflight: Inflight;
  private readonly delivery: Delivery;
  private readonly handOff = new HandOff<Pending>((batch) => this.deliver(batch));
  private readonly pubacks = new PubackWriter(() => {
    const client = this.connection?.client;
    return (
      client && {
        stream: client.stream,
        connected: client.connected,
        sent: (id: number) => client.emit('packetsend', { cmd: 'puback', messageId: id, reasonCode: 0 }),
      }
    );
  });
  private readonly metrics: ReceiverMetrics;
  /** Broker faults (a reused packet ID): counted and logged rate-limited, the message processed all the same. */
  private readonly faults: DropReporter;
  private heartbeat: Heartbeat | undefined;
  private sat: { close(): void } | undefined;
  private flow: FlowControl | undefined;
  private readonly dropLogIntervalMs: number | undefined;
  private readonly active = new Set<Promise<void>>();
  private flushArmed = true;
  /** QoS 0 messages in the pipelines: the broker does not bound them, so the receiver does. */
  private pendingQos0 = 0;
  private accepting = true;
  /** Subscribed on the current connection (the connected gauge). */
  private subscribed = false;
  private stopping: Promise<void> | undefined;
  private membership: Membership | undefined;
  /** Set when this session is drained for good: the DISCONNECT then ends it (Session Expiry Interval 0). */
  private endSession = false;
  private lastMessageAt = performance.now();
  /** For the console: connected since, losses, the last error. */
  private readonly connectionLog = new ConnectionLog();
  private unprovide: () => void = () => {};
  private abandoned = 0;
  private readonly drainState: DrainState = {
    idleFor: () => performance.now() - this.lastMessageAt,
    busy: () => this.inflight.size > 0 || this.active.size > 0 || this.pendingQos0 > 0,
    abandoned: () => this.abandoned,
    cancelled: () => this.stopping !== undefined,
  };
  /** With `adopting`: how the adoption ended (resolved by shutdown, with `adoptionResult` or 'stopped'). */
  private adoptionEnd: ((end: AdoptionEnd) => void) | undefined;
  private adoptionResult: AdoptionEnd | undefined;
  readonly adoption: Promise<AdoptionEnd> | undefined;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: MqttReceiverConfig,
    private readonly next: ReceiverConsumers,
    private readonly opts: MqttReceiverOptions = {},
  ) {
    this.cfg = resolveConfig(config, settings.id);
    if (opts.adopting !== undefined) {
      this.cfg = { ...this.cfg, client_id: opts.adopting, heartbeat: { ...this.cfg.heartbeat, enabled: false } };
      this.adoption = new Promise((resolve) => (this.adoptionEnd = resolve));
    }
    this.dropLogIntervalMs = opts.dropLogIntervalMs;
    this.inflight = new Inflight((id) => this.pubacks.send(id));
    this.metrics = receiverMetrics(
      settings.telemetry,
      settings.id,
      () => this.broker?.server.inflight ?? this.inflight.size,
      () => (this.broker !== undefined || this.subscribed ? 1 : 0),
    );
    this.faults = new DropReporter(settings.logger, {
      counter: this.metrics.faults,
      labels: { receiver: settings.id },
      message: 'the MQTT broker reused the packet ID of an unacknowledged message; processing it as a new message',
      intervalMs: opts.dropLogIntervalMs,
    });
    this.delivery = new Delivery({
      consumer: next.all,
      logger: settings.logger,
      receiverId: settings.id,
      dropped: this.metrics.dropped,
      retry: this.cfg.retry,
      windowFull: (sending) => this.windowFull(sending),
      logIntervalMs: opts.dropLogIntervalMs,
      samples: { to: settings.telemetry.inspector.drops, component: `receiver:${settings.id}` },
    });
  }

  /** The MQTT.js client, once started (tests watch its packets). */
  get client(): Connection['client'] | undefined {
    return this.connection?.client;
  }

  /** The flow gate's figures, once started (tests watch them). */
  get flowControl(): FlowControl | undefined {
    return this.flow;
  }

  /** The embedded broker, once started (its bound address). */
  get embeddedBroker(): EmbeddedBroker | undefined {
    return this.broker;
  }

  /**
   * Starts the embedded broker if configured (failing start when it cannot listen), loads TLS files and
   * credentials (failing start when they are unreadable), then connects in the background.
   */
  async start(): Promise<void> {
    if (this.stopping || this.connection || this.broker) return;
    const { logger } = this.settings;
    if (this.cfg.embedded_broker) {
      // Devices publish to the hub's own server; there is no client connection, and the receiver is ready once
      // it listens (the hub marks it ok after start).
      const sink = new DeviceSink(this.delivery, (p) => this.track(p));
      this.deviceSink = sink;
      const broker = await startEmbeddedBroker(this.cfg, { settings: this.settings, sink });
      this.broker = broker;
      if (this.stopping) return void (await broker.close());
      this.unprovide = this.settings.telemetry.inspector.provide('devices', this.settings.id, () =>
        devicesView(broker.endpoint, broker.server),
      );
      logger.info('embedded MQTT broker listening', { endpoint: broker.endpoint, topics: this.cfg.topics });
      return;
    }
    const options = await clientOptions(this.cfg);
    if (this.stopping) return;
    const connection = new Connection(
      this.cfg,
      options,
      logger,
      {
        connected: (sessionPresent) => this.inflight.connected(sessionPresent),
        subscribed: () => this.onSubscribed(),
        unsubscribed: (err) => this.notReady(err),
        lost: (err) => this.onLost(err),
        takenOver: () => {
          this.adoptionResult = 'taken_over';
          void this.shutdown();
        },
      },
      (opts) => this.refreshCredentials(opts),
      this.opts.adopting === undefined ? 'subscribe' : 'drain',
    );
    this.connection = connection;
    // Adopted sessions (membership) are the receiver's own business: only the receiver itself is shown.
    if (this.opts.adopting === undefined)
      this.unprovide = this.settings.telemetry.inspector.provide('connections', this.settings.id, () =>
        connectionView(
          {
            broker: this.cfg.endpoint,
            clientId: this.cfg.client_id,
            connected: this.subscribed,
            subscriptions: this.cfg.subscriptions,
            inflight: Math.max(this.inflight.size, this.pendingQos0),
            receiveMaximum: this.cfg.receive_maximum,
            inflightBytes: this.flow?.gate?.inflightBytes,
            maxInflightBytes: this.cfg.max_inflight_bytes,
          },
          this.connectionLog,
        ),
      );
    connection.client.handleMessage = (packet, callback) => this.onPublish(packet, callback);
    this.flow = attachFlowControl(connection.client, {
      maxMessages: this.cfg.receive_maximum,
      maxBytes: this.cfg.max_inflight_bytes,
      maxPacketSize: this.cfg.max_packet_size,
      protocolVersion: this.cfg.protocol_version,
      logger,
      receiverId: this.settings.id,
      dropped: this.metrics.dropped,
      logIntervalMs: this.dropLogIntervalMs,
      samples: { to: this.settings.telemetry.inspector.drops, component: `receiver:${this.settings.id}` },
      // Decoded by the gate: no MQTT.js callback, so a PUBACK it would have sent (a heartbeat's) is sent here.
      publish: (packet) =>
        this.onPublish(packet, (err) => {
          if (!err && packet.qos === 1 && packet.messageId !== undefined) this.pubacks.send(packet.messageId);
        }),
    });
    const satFile = this.cfg.auth?.sat_token_file;
    if (satFile !== undefined) this.sat = attachSatAuth(connection.client, { tokenFile: satFile, logger });
    if (this.cfg.heartbeat.enabled) this.heartbeat = new Heartbeat(connection.client, this.cfg.heartbeat, logger);
    if (this.opts.adopting === undefined && membershipEnabled(this.cfg)) this.startMembership(options);
    // Not ready until subscribed; the hub keeps this report instead of marking the receiver ok after start.
    this.settings.reportStatus('recoverable_error', new Error(`connecting to ${this.cfg.endpoint}`));
    logger.info('connecting to the MQTT broker in the background', {
      endpoint: this.cfg.endpoint,
      client_id: this.cfg.client_id,
      topics: this.cfg.subscriptions,
    });
    connection.start();
  }

  // The SAT module re-reads its token itself before each reconnect.
  private async refreshCredentials(opts: IClientOptions): Promise<void> {
    if (this.cfg.auth?.password_file === undefined) return;
    applyCredentials(opts, await loadCredentials(this.cfg));
  }

  private onSubscribed(): void {
    if (this.stopping) return;
    this.subscribed = true;
    this.connectionLog.subscribed();
    this.settings.reportStatus('ok');
    this.heartbeat?.start();
    if (this.opts.adopting !== undefined) void this.drainAdopted();
  }

  private startMembership(options: IClientOptions): void {
    const { logger } = this.settings;
    const presence = new Presence(
      {
        prefix: `${this.cfg.membership.topic}/${this.cfg.shared_group ?? ''}`,
        self: this.cfg.client_id,
        base: options,
        endpoint: this.cfg.endpoint,
        satTokenFile: this.cfg.auth?.sat_token_file,
        logger,
        changed: (id, record) => this.membership?.changed(id, record),
      },
      { state: 'up', subscriptions: this.cfg.subscriptions },
    );
    const adoptions = membershipMetrics(this.settings.telemetry, this.settings.id, () => membership.membersUp);
    const membership = new Membership(
      this.cfg,
      presence,
      logger,
      (id) => this.adopt(id),
      (outcome) => adoptions.inc({ receiver: this.settings.id, outcome }),
    );
    this.membership = membership;
    presence.start();
  }

  /** Another receiver like this one, on the vanished member's client ID, draining into the same pipelines. */
  private adopt(clientId: string): Adopter {
    const settings: CreateSettings = {
      ...this.settings,
      id: `${this.settings.id}[${clientId}]`,
      logger: this.settings.logger.child({ adopted_session: clientId }),
      reportStatus: () => undefined,
    };
    const r = new MqttReceiver(settings, this.config, this.next, { ...this.opts, adopting: clientId });
    r.start().catch((err: unknown) => {
      settings.logger.warn('cannot adopt the session', { error: errorMessage(err) });
      void r.shutdown();
    });
    return { done: r.adoption!, stop: () => r.shutdown() };
  }

  /** Adopting: once the session has given up everything, end it; a message that failed keeps it for later. */
  private async drainAdopted(): Promise<void> {
    const drained = await waitDrained(this.drainState, this.cfg.membership.drain_idle, Number.POSITIVE_INFINITY);
    if (this.stopping) return;
    this.endSession = drained;
    this.adoptionResult = drained ? 'drained' : 'stopped';
    await this.shutdown();
  }

  /**
   * Shutdown's first stage: a member that leaves its shared group (membership.ts decides) unsubscribes, keeps
   * processing what its session still delivers, and ends the session once drained; if time runs out first, or a
   * message fails, it keeps the session (marked gone, for another member to adopt).
   */
  async prepareShutdown(deadline: number): Promise<void> {
    const m = this.membership;
    if (!m || !this.connection || !this.subscribed || this.stopping) return;
    if (!(await m.shouldLeave())) return;
    const { logger } = this.settings;
    const until = deadline - LEAVE_MARGIN_MS;
    try {
      await this.connection.unsubscribe();
    } catch (err) {
      logger.warn('cannot leave the shared subscription; keeping the session', { error: errorMessage(err) });
      return;
    }
    logger.info('left the shared subscription; draining the session', { client_id: this.cfg.client_id });
    this.endSession = await waitDrained(this.drainState, this.cfg.membership.drain_idle, until);
    if (this.endSession) logger.info('session drained; ending it', { client_id: this.cfg.client_id });
    else
      logger.warn('the session did not drain before the shutdown deadline; keeping it for another member to adopt', {
        client_id: this.cfg.client_id,
        inflight: this.inflight.size,
      });
  }

  private onLost(err: Error): void {
    this.inflight.disconnected();
    this.notReady(err);
  }

  private notReady(err: Error): void {
    this.connectionLog.lost(err, this.subscribed);
    this.subscribed = false;
    this.heartbeat?.stop();
    if (!this.stopping) this.settings.reportStatus('recoverable_error', err);
  }

  /**
   * Whether this consume should carry the flush hint. Only once per filling of the window: once full, acknowledgements
   * that come back one by one would each let one new message in with the window full again, and a hint on every one
   * of them turns a backlog into one-message batches (measured: 1.8% of a bare subscriber's rate). The hint re-arms
   * when the window has drained to half; until then a batch's own size or timeout sends what it holds.
   */
  private windowFull(sending: number): boolean {
    if (this.deviceSink) return this.deviceSink.takeFlushHint();
    const max = this.cfg.receive_maximum;
    const used = Math.max(this.inflight.size, this.pendingQos0);
    // `used` includes the messages being sent now: the window before them is what re-arms.
    if (used - sending <= max / 2) this.flushArmed = true;
    if (used < max || !this.flushArmed) return false;
    this.flushArmed = false;
    return true;
  }

  private onPublish(packet: IPublishPacket, callback: (err?: Error) => void): void {
    const qos1 = packet.qos === 1;
    this.lastMessageAt = performance.now();
    if (!this.accepting) {
      // Shutting down: left unacknowledged, for the broker to deliver again to the next session.
      callback(qos1 ? ACK_LATER : undefined);
      return;
    }
    if (this.cfg.heartbeat.enabled && packet.topic === this.cfg.heartbeat.topic) {
      callback(); // our own (or a sibling replica's) heartbeat: acknowledged by MQTT.js, not processed
      return;
    }
    const message = toMessage(packet, nowUnixNano());
    if (!qos1) {
      callback();
      if (this.pendingQos0 >= this.cfg.receive_maximum) return this.delivery.drop('qos0_overload', [message]);
      this.pendingQos0++;
      this.handOff.add({ message, retry: false, entry: undefined });
      return;
    }
    callback(ACK_LATER);
    const admission = this.inflight.admit(packet.messageId ?? 0, packet.dup);
    // A redelivery after a reconnect of a message still in the pipelines: its PUBACK goes out when it settles.
    if (admission.kind === 'redelivery') return;
    if (admission.repeated)
      this.faults.drop('repeated_packet_id', 1, { packet_id: packet.messageId, topic: packet.topic });
    this.handOff.add({ message, retry: true, entry: admission.entry });
  }

  private deliver(batch: Pending[]): void {
    this.track(this.delivery.deliver(batch, (p, outcome) => this.settled(p, outcome)));
  }

  private settled(p: Pending, outcome: Outcome): void {
    if (!p.entry) this.pendingQos0--;
    else if (outcome === 'settled') this.inflight.settle(p.entry);
    else {
      this.abandoned++;
      this.inflight.abandon(p.entry);
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.active.delete(tracked));
    this.active.add(tracked);
  }

  // Written with mqtt-packet directly: MQTT.js's own send would queue it while offline and send it on the next
  // connection, where the packet ID may belong to another message (Inflight only calls this while online).
  /**
   * Takes no new messages, lets those in the pipelines settle (and acknowledges them), abandons retry waits
   * (unacknowledged: the broker keeps them), then disconnects cleanly. Idempotent; safe without start.
   */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.accepting = false;
      this.handOff.flush();
      this.heartbeat?.stop();
      this.broker?.stopAccepting();
      this.deviceSink?.stop();
      this.delivery.stop();
      this.faults.close();
      const members = this.membership?.stop(this.endSession);
      await Promise.all([...this.active, this.broker?.drained()]);
      this.sat?.close();
      this.pubacks.flush();
      this.flow?.closing();
      await this.connection?.stop(this.endSession);
      this.flow?.close();
      await this.broker?.close();
      await members;
      this.unprovide();
      this.adoptionEnd?.(this.adoptionResult ?? 'stopped');
    })();
    return this.stopping;
  }
}
