// The running hub: builds the graph, starts it in the Collector's order and stops it within a deadline.
import type { Extension, Host, Kind } from './component.ts';
import { ConfigKeyError, errorMessage } from './errors.ts';
import type { Graph, GraphDeps, Node } from './graph.ts';
import { buildGraph } from './graph.ts';
import type { Logger } from './logger.ts';
import type { GraphConfig } from './pipelines.ts';
import type { Registry } from './registry.ts';
import { StatusBoard } from './status.ts';
import { Telemetry } from './telemetry.ts';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

const SECTION: Readonly<Record<Kind, string>> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
};

/** One component's reason for not starting: the config key to change when one is to blame, else the component. */
export interface StartFailure {
  /** `['receivers', 'otlp', 'protocols', 'http', 'endpoint']`, or `['receivers', 'otlp']`. */
  path: (string | number)[];
  message: string;
}

/** Every component that failed to start, not only the first: a user fixes them in one go. */
export class StartError extends Error {
  constructor(readonly failures: StartFailure[]) {
    super(failures.map((f) => `${f.path.join('::')}: ${f.message}`).join('; '));
    this.name = 'StartError';
  }
}

/** A component's start error as failures: an AggregateError (several listeners) gives one per error in it. */
function failuresOf(n: Node, err: unknown): StartFailure[] {
  const base = [SECTION[n.kind], n.id];
  const errors = err instanceof AggregateError ? (err.errors as unknown[]) : [err];
  return errors.map((e) =>
    e instanceof ConfigKeyError
      ? { path: [...base, ...e.path], message: e.message }
      : { path: base, message: `failed to start: ${errorMessage(e)}` },
  );
}

export interface ServiceOptions {
  config: GraphConfig;
  registry: Registry;
  logger: Logger;
  telemetry?: Telemetry;
  /** How long shutdown may take in all; what has not stopped by then is abandoned (and logged). */
  shutdownTimeoutMs?: number;
  /** The config as print-config shows it, for Host.describe (read when asked, once). */
  configText?: () => Promise<string>;
}

export class Service {
  readonly status = new StatusBoard();
  readonly telemetry: Telemetry;
  private graph: Graph | undefined;
  private started = false;
  /** The start order, once started. */
  private order: Node[] = [];
  private stopping: Promise<void> | undefined;
  readonly host: Host;

  constructor(private readonly opts: ServiceOptions) {
    this.telemetry = opts.telemetry ?? new Telemetry();
    const status = this.status;
    const { service } = opts.config;
    const startedAt = new Date().toISOString();
    let text: Promise<string | undefined> | undefined;
    const config = (): Promise<string | undefined> =>
      (text ??= opts.configText ? opts.configText().catch(() => undefined) : Promise.resolve(undefined));
    this.host = {
      status,
      getExtension: (id: string): Extension | undefined => this.graph?.extensions.find((n) => n.id === id)?.component,
      describe: () => ({ pipelines: service.pipelines, extensions: service.extensions, startedAt, config }),
    };
  }

  private deps(): GraphDeps {
    return { registry: this.opts.registry, logger: this.opts.logger, telemetry: this.telemetry, status: this.status };
  }

  /** Creates every component without starting any (what `otelhub validate` does after the config checks). */
  async build(): Promise<Graph> {
    this.graph ??= await buildGraph(this.opts.config, this.deps());
    return this.graph;
  }

  /**
   * Extensions, exporters, processors (from the end of each pipeline), receivers. Every component is tried; when any
   * failed, what started is shut down and a StartError lists them all. Then announceReadiness(), unless the caller
   * has more to start and announces itself (`{ announce: false }`).
   */
  async start(opts: { announce?: boolean } = {}): Promise<void> {
    const g = await this.build();
    if (this.started) return;
    this.started = true;
    const order: Node[] = [
      ...g.extensions,
      ...g.exporters,
      ...[...g.processors.values()].flatMap((nodes) => [...nodes].reverse()),
      ...g.receivers,
    ];
    const failures: StartFailure[] = [];
    for (const n of order) {
      try {
        await n.component.start?.(this.host);
      } catch (err) {
        this.status.set(n.key, 'permanent_error', err);
        this.opts.logger.error('component failed to start', { component: n.key, error: err });
        failures.push(...failuresOf(n, err));
        continue;
      }
      // A component that reported trouble while starting (a broker not yet reachable) keeps its report.
      if (this.status.get(n.key)?.status === 'starting') this.status.set(n.key, 'ok');
    }
    if (failures.length > 0) {
      await this.shutdown();
      throw new StartError(failures);
    }
    this.order = order;
    if (opts.announce ?? true) this.announceReadiness();
  }

  /**
   * "everything is ready" only when it is: until then, what is still waiting and why (a receiver connecting to its
   * broker), and the ready line once every component is ok.
   */
  announceReadiness(): void {
    const order = this.order;
    const ready = (): void => this.opts.logger.info('everything is ready; begin running and processing data');
    if (this.status.ready()) return ready();
    const waiting = order
      .filter((n) => this.status.get(n.key)?.status !== 'ok')
      .map((n) => {
        const why = this.status.get(n.key)?.error;
        return `${SECTION[n.kind]}::${n.id}${why === undefined ? '' : ` (${why})`}`;
      });
    this.opts.logger.info(`started; waiting for: ${[...new Set(waiting)].join(', ')}`);
    const stop = this.status.watch(() => {
      if (this.stopping) return stop();
      if (!this.status.ready()) return;
      stop();
      ready();
    });
  }

  /**
   * Receivers first (no new data), then each pipeline's processors in order (a batch flushes into the next one
   * while it still runs), then exporters, then extensions. Idempotent. Data a receiver sends after its pipeline's
   * processors stopped is refused with a retryable error, so it is redelivered rather than lost.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const g = this.graph;
    if (!g) return;
    const timeout = this.opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const deadline = Date.now() + timeout;
    // Stage 0, with everything still running: receivers hand their work over (at most half of the timeout, so the
    // rest still has time to drain).
    await this.prepareReceivers(g.receivers, Date.now() + timeout / 2);
    // Exporters stop retrying first: otherwise a failing destination holds the processors' drain (stage 1) for the
    // retries' max_elapsed_time and the whole shutdown_timeout burns. What they cannot send fails back, retryably.
    for (const n of g.exporters) {
      try {
        n.component.beginShutdown?.();
      } catch (err) {
        this.opts.logger.error('component failed to begin shutting down', { component: n.key, error: err });
      }
    }
    // Receivers are told to stop first, but not waited for before the processors drain: a receiver may be waiting
    // for data it already sent to settle, and that data may sit in a batch that only draining will send.
    const stages: (() => Promise<unknown>)[] = [
      () => {
        const receivers = Promise.all(g.receivers.map((n) => this.stopNode(n)));
        const processors = Promise.all(
          [...g.processors.values()].map(async (nodes) => {
            for (const n of nodes) await this.stopNode(n);
          }),
        );
        return Promise.all([receivers, processors]);
      },
      () => Promise.all(g.exporters.map((n) => this.stopNode(n))),
      () => Promise.all(g.extensions.map((n) => this.stopNode(n))),
    ];
    for (const stage of stages) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        stage().then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, left)))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const pending = [...g.receivers, ...[...g.processors.values()].flat(), ...g.exporters, ...g.extensions]
          .filter((n) => this.status.get(n.key)?.status === 'stopping')
          .map((n) => n.key);
        this.opts.logger.error('shutdown deadline passed; abandoning components still stopping', { pending });
      }
    }
    this.opts.logger.info('shutdown complete');
  }

  private async prepareReceivers(nodes: Node[], until: number): Promise<void> {
    const prepared = Promise.all(
      nodes.map(async (n) => {
        try {
          await n.component.prepareShutdown?.(until);
        } catch (err) {
          this.opts.logger.error('component failed to prepare for shutdown', { component: n.key, error: err });
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([prepared, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, until - Date.now()))))]);
    clearTimeout(timer);
  }

  private async stopNode(n: Node): Promise<void> {
    if (n.stopped) return;
    n.stopped = true;
    this.status.set(n.key, 'stopping');
    try {
      await n.component.shutdown?.();
      this.status.set(n.key, 'stopped');
    } catch (err) {
      this.status.set(n.key, 'stopped', err);
      this.opts.logger.error('component failed to shut down cleanly', { component: n.key, error: err });
    }
  }
}
