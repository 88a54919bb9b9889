// The running hub: builds the graph, starts it in the Collector's order and stops it within a deadline.
import type { Extension, Host } from './component.ts';
import type { Graph, GraphDeps, Node } from './graph.ts';
import { buildGraph } from './graph.ts';
import type { Logger } from './logger.ts';
import type { GraphConfig } from './pipelines.ts';
import type { Registry } from './registry.ts';
import { StatusBoard } from './status.ts';
import { Telemetry } from './telemetry.ts';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export interface ServiceOptions {
  config: GraphConfig;
  registry: Registry;
  logger: Logger;
  telemetry?: Telemetry;
  /** How long shutdown may take in all; what has not stopped by then is abandoned (and logged). */
  shutdownTimeoutMs?: number;
}

export class Service {
  readonly status = new StatusBoard();
  readonly telemetry: Telemetry;
  private graph: Graph | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  readonly host: Host;

  constructor(private readonly opts: ServiceOptions) {
    this.telemetry = opts.telemetry ?? new Telemetry();
    const status = this.status;
    this.host = {
      status,
      getExtension: (id: string): Extension | undefined => this.graph?.extensions.find((n) => n.id === id)?.component,
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

  /** Extensions, exporters, processors (from the end of each pipeline), receivers. A failure stops what started. */
  async start(): Promise<void> {
    const g = await this.build();
    if (this.started) return;
    this.started = true;
    const order: Node[] = [
      ...g.extensions,
      ...g.exporters,
      ...[...g.processors.values()].flatMap((nodes) => [...nodes].reverse()),
      ...g.receivers,
    ];
    for (const n of order) {
      try {
        await n.component.start?.(this.host);
      } catch (err) {
        this.status.set(n.key, 'permanent_error', err);
        this.opts.logger.error('component failed to start', { component: n.key, error: err });
        await this.shutdown();
        throw new Error(`${n.kind} "${n.id}" failed to start: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      // A component that reported trouble while starting (a broker not yet reachable) keeps its report.
      if (this.status.get(n.key)?.status === 'starting') this.status.set(n.key, 'ok');
    }
    this.opts.logger.info('everything is ready; begin running and processing data');
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
