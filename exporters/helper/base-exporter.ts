// An exporter built by composition: a transport that sends one request once (HTTP or gRPC, with its serializer),
// decorated with partial-success and refused-credentials reporting, retries, splitting of refused requests, and the
// sending queue. The otlp_grpc and otlp_http exporters are
// this with their own transport.
import type { CreateSettings, Exporter, Host } from '../../core/component.ts';
import type { ClientAuthenticator } from '../../core/auth.ts';
import { clientAuthenticator } from '../../core/auth.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import { errorMessage, retryableError } from '../../core/errors.ts';
import type { Logs, Metrics, PipelineType, Traces } from '../../core/pdata/index.ts';
import type { SenderConfig } from './config.ts';
import { AuthRefusals } from './auth-refusals.ts';
import { BatchSender } from './batch-sender.ts';
import { DeliveryState } from './delivery-state.ts';
import { PartialSuccessReporter } from './partial-success.ts';
import { PersistentQueue } from './persistent-queue.ts';
import { QueueSender, queueGauges } from './queue-sender.ts';
import { RetrySender, asConsumerError } from './retry-sender.ts';
import type { ExportData, Send, SendResult } from './send.ts';
import { SplitSender } from './split-sender.ts';

/** Sends one request once. Errors are ConsumerErrors saying whether a retry may help. */
export interface Transport {
  /** Loads certificates, opens clients, finds the extensions it uses in `host`; a failure fails the exporter's start. */
  start(host?: Host): Promise<void>;
  /** `headers` are the auth extension's, fresh for each attempt (tokens rotate); they win over configured ones. */
  send(data: ExportData, signal: PipelineType, headers: Record<string, string>): Promise<SendResult>;
  /** Called once every request settled. */
  shutdown(): Promise<void>;
}

export class BaseExporter implements Exporter {
  readonly traces: Consumer<Traces>;
  readonly metrics: Consumer<Metrics>;
  readonly logs: Consumer<Logs>;
  private auth: ClientAuthenticator | undefined;
  private started = false;
  private failing = false;
  private stopping: Promise<void> | undefined;
  private readonly retry: RetrySender;
  private readonly partial: PartialSuccessReporter;
  private readonly authRefusals: AuthRefusals;
  private readonly split: SplitSender;
  private readonly queues: (QueueSender | PersistentQueue)[] = [];
  private readonly persistent: PersistentQueue[] = [];
  /** `sending_queue.batch` in front of the in-memory queues: shut down first, so what they hold is sent. */
  private readonly batchers: BatchSender[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The persistent queues refusing new requests (full, cannot write), with why. */
  private readonly refusing = new Map<PersistentQueue, Error>();
  /** Attempts' outcomes, for the console. */
  private readonly delivery = new DeliveryState();
  /** The queue of each signal, in creation order, for the console. */
  private readonly queueSignals = new Map<QueueSender | PersistentQueue, PipelineType>();

  constructor(
    private readonly settings: CreateSettings,
    /** What the sending stages read; the transport has the rest of the config. */
    private readonly cfg: Pick<SenderConfig, 'auth' | 'retry_on_failure' | 'sending_queue'>,
    private readonly transport: Transport,
  ) {
    this.partial = new PartialSuccessReporter(settings.telemetry, settings.id, settings.logger);
    const attempt: Send = async (data, signal) =>
      this.delivery.track(this.reportingHealth(this.transport.send(data, signal, await this.authHeaders())));
    this.authRefusals = new AuthRefusals(settings.telemetry, settings.id, settings.logger);
    this.retry = new RetrySender(
      cfg.retry_on_failure,
      this.partial.wrap(this.authRefusals.wrap(attempt)),
      settings.logger,
    );
    this.split = new SplitSender(settings.telemetry, settings.id, settings.logger, this.retry.send);
    this.traces = this.consumer('traces');
    this.metrics = this.consumer('metrics');
    this.logs = this.consumer('logs');
    settings.telemetry.inspector.provide('queues', settings.id, () =>
      this.delivery.view([...this.queueSignals].map(([q, signal]) => ({ signal, ...q.inspect() }))),
    );
  }

  async start(host: Host): Promise<void> {
    if (this.cfg.auth) {
      try {
        this.auth = clientAuthenticator(host, this.cfg.auth.authenticator);
      } catch (err) {
        throw new Error(`auth: ${errorMessage(err)}`, { cause: err });
      }
    }
    await this.transport.start(host);
    await Promise.all(this.persistent.map((q) => q.start(host)));
    this.started = true;
  }

  /**
   * The hub began shutting down: retries stop now (waits are cut short, each request gets no further attempt), so
   * data draining from the processors is not held for max_elapsed_time. Requests still queued are sent once; after a
   * failed send, the rest fail retryably and their senders keep the data.
   */
  beginShutdown(): void {
    this.retry.shutdown();
    for (const q of this.queues) q.stopRetrying();
  }

  /** Takes nothing new, cuts retry waits short, sends what is queued (each request settles), then closes. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.beginShutdown();
      await Promise.all(this.batchers.map((b) => b.shutdown()));
      await Promise.all(this.queues.map((q) => q.shutdown()));
      await Promise.allSettled([...this.inFlight]);
      try {
        await this.transport.shutdown();
      } finally {
        this.partial.close();
        this.authRefusals.close();
        this.split.close();
      }
    })();
    return this.stopping;
  }

  private consumer(signal: PipelineType): Consumer<ExportData> {
    let send: Send = this.split.send;
    const { storage } = this.cfg.sending_queue;
    if (this.cfg.sending_queue.enabled && storage !== undefined) {
      const q = new PersistentQueue(
        { ...this.cfg.sending_queue, storage },
        this.cfg.retry_on_failure,
        signal,
        this.settings,
        send,
        (err) => this.queueHealth(q, err),
      );
      this.persistent.push(q);
      this.queues.push(q);
      this.queueSignals.set(q, signal);
      send = q.send;
    } else if (this.cfg.sending_queue.enabled) {
      const q = new QueueSender(
        this.cfg.sending_queue,
        send,
        queueGauges(this.settings.telemetry, this.settings.id, signal),
      );
      this.queues.push(q);
      this.queueSignals.set(q, signal);
      send = q.send;
      const { batch } = this.cfg.sending_queue;
      if (batch) {
        const b = new BatchSender(batch, signal, send);
        this.batchers.push(b);
        send = b.send;
      }
    }
    return { mutatesData: false, consume: (data, ctx) => this.export(send, signal, data, ctx) };
  }

  // async, so that nothing throws synchronously: every failure is a rejected promise carrying a ConsumerError.
  private async export(send: Send, signal: PipelineType, data: ExportData, ctx?: ConsumeContext): Promise<void> {
    if (this.stopping) throw retryableError('exporter is shutting down');
    if (!this.started) throw retryableError('exporter is not started');
    const p = send(data, signal, ctx);
    this.inFlight.add(p);
    try {
      await p;
    } catch (err) {
      throw asConsumerError(err);
    } finally {
      this.inFlight.delete(p);
    }
  }

  /**
   * With a persistent queue the exporter takes data while its destination is down (store and forward): it is
   * `recoverable_error` only while a queue refuses new requests, so readiness (health_check) keeps a hub whose queue
   * has room in its Service. Only transitions are reported.
   */
  private queueHealth(q: PersistentQueue, err: Error | undefined): void {
    const was = this.refusing.size > 0;
    if (err) this.refusing.set(q, err);
    else this.refusing.delete(q);
    if (this.stopping) return;
    if (err && !was) this.settings.reportStatus('recoverable_error', err);
    else if (!err && was && this.refusing.size === 0) this.settings.reportStatus('ok');
  }

  /**
   * Without a persistent queue, a destination that cannot take data makes the exporter `recoverable_error` until a
   * request succeeds again, so readiness (health_check) says what the pipeline can do. Permanent errors are about
   * the data, not the destination: they change nothing. Only transitions are reported.
   */
  private async reportingHealth(p: Promise<SendResult>): Promise<SendResult> {
    if (this.persistent.length > 0) return p;
    try {
      const r = await p;
      if (this.failing) {
        this.failing = false;
        this.settings.reportStatus('ok');
      }
      return r;
    } catch (err) {
      const e = asConsumerError(err);
      if (e.retryable && !this.failing && !this.stopping) {
        this.failing = true;
        this.settings.reportStatus('recoverable_error', e);
      }
      throw e;
    }
  }

  private async authHeaders(): Promise<Record<string, string>> {
    if (!this.auth) return {};
    try {
      return await this.auth.headers();
    } catch (err) {
      // A token file being rotated or a token endpoint down: the data is fine, try again later.
      throw retryableError(`auth: cannot get credentials: ${errorMessage(err)}`, { cause: err });
    }
  }
}
