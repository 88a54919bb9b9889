// A whole hub from config files: load, check, build, start; and the internal telemetry endpoint beside it.
import { mergedText } from './merged-config.ts';
import { builtinRegistry } from '../components.ts';
import type { LogFields, LogLevel, LogSink, Logger } from '../core/logger.ts';
import { LOG_LEVELS, createLogger } from '../core/logger.ts';
import type { HttpListener } from '../core/net.ts';
import { formatHostPort, listenHttp } from '../core/net.ts';
import type { PrometheusReader } from '../core/prometheus-text.ts';
import { readerText } from '../core/prometheus-text.ts';
import { registerProcessMetrics } from '../core/process-metrics.ts';
import { malformedStringsReplaced } from '../otlp/well-formed.ts';
import type { Registry } from '../core/registry.ts';
import { Service, StartError } from '../core/service.ts';
import type { StartFailure } from '../core/service.ts';
import { errorMessage } from '../core/errors.ts';
import { Telemetry } from '../core/telemetry.ts';
import type { HubConfig } from '../config/hub-config.ts';
import { resolveHubConfig } from '../config/hub-config.ts';
import { ConfigError, formatIssue } from '../config/issues.ts';
import type { LocatedIssue } from '../config/issues.ts';
import type { LoadedConfig } from '../config/load.ts';
import { loadConfigFiles, loadConfigText } from '../config/load.ts';

export interface HubOptions {
  /** `--config` values, merged in order: paths, or `file:`, `env:`, `yaml:` URIs. */
  configFiles?: string[];
  /** `--set key::path=value` arguments, applied after the config (files or text). */
  sets?: string[];
  /** An in-memory config instead of files (the embedded default, tests). */
  configText?: { text: string; name: string };
  env?: Record<string, string | undefined>;
  registry?: Registry;
  /** Overrides service.telemetry.logs.level. */
  logLevel?: LogLevel;
  logSink?: LogSink;
  /** Logged once the logger exists, before anything starts (what drop-in mode has to say about its settings). */
  notices?: Notice[];
  /**
   * Whether the files the config names (certificates, keys, token files) are read and checked with the config. Start
   * and validate do unless this is false (`validate --skip-file-checks`, for a config meant for another machine);
   * print-config never does.
   */
  checkFiles?: boolean;
}

export interface Notice {
  level: LogLevel;
  msg: string;
  fields?: LogFields;
}

export interface LoadResult {
  config?: HubConfig;
  loaded?: LoadedConfig;
  issues: LocatedIssue[];
  registry: Registry;
  /** What the config leans on that the hub filled in (deprecated type names, undeclared encoding extensions). */
  notices: Notice[];
}

export async function loadHubConfig(opts: HubOptions): Promise<LoadResult> {
  const registry = opts.registry ?? builtinRegistry();
  const env = opts.env ?? process.env;
  const read = opts.configText
    ? loadConfigText(opts.configText.text, opts.configText.name, env, opts.sets)
    : await loadConfigFiles(opts.configFiles ?? [], env, opts.sets);
  if (!read.config) return { issues: read.issues, registry, notices: [] };
  const r = await resolveHubConfig(read.config, registry, { checkFiles: opts.checkFiles ?? false });
  const issues = [...read.issues, ...r.issues];
  const { notices } = r;
  return issues.length || !r.config
    ? { issues, registry, loaded: read.config, notices }
    : { config: r.config, loaded: read.config, issues, registry, notices };
}

// The config's environment values never reach a log line (see LoggerOptions.scrub).
function makeLogger(config: HubConfig, opts: HubOptions, r: LoadResult): Logger {
  const logs = config.service.telemetry.logs;
  const logger = createLogger({
    level: opts.logLevel ?? logs.level,
    encoding: logs.encoding,
    ...(opts.logSink ? { sink: opts.logSink } : {}),
    ...(r.loaded ? { scrub: r.loaded.scrub } : {}),
  });
  for (const n of [...(opts.notices ?? []), ...r.notices]) logger[n.level](n.msg, n.fields);
  return logger;
}

export interface RunningHub {
  readonly service: Service;
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The first bound pull reader's endpoint, when there is one. */
  readonly metricsListener: HttpListener | undefined;
  /** Every pull reader's endpoint, in the order of service.telemetry.metrics.readers. */
  readonly metricsListeners: readonly HttpListener[];
  shutdown(): Promise<void>;
}

/**
 * The level `validate` logs at: --log-level when given, else the configured level but never below warn. Its output
 * is for a human reading a verdict, where info lines (drop-in mode's notice, "shutdown complete" after building)
 * are noise; warnings and errors still say something about the config.
 */
function validateLogLevel(config: HubConfig, opts: HubOptions): LogLevel {
  if (opts.logLevel !== undefined) return opts.logLevel;
  const configured = config.service.telemetry.logs.level;
  return LOG_LEVELS.indexOf(configured) > LOG_LEVELS.indexOf('warn') ? configured : 'warn';
}

/** Builds every component without starting any; throws ConfigError listing every problem. */
export async function validateHub(opts: HubOptions): Promise<HubConfig> {
  const r = await loadHubConfig({ ...opts, checkFiles: opts.checkFiles ?? true });
  if (!r.config) throw new ConfigError(r.issues);
  const logger = makeLogger(r.config, { ...opts, logLevel: validateLogLevel(r.config, opts) }, r);
  const service = new Service({ config: r.config, registry: r.registry, logger });
  try {
    await service.build();
  } catch (err) {
    throw new ConfigError([{ path: [], message: err instanceof Error ? err.message : String(err) }]);
  } finally {
    // Components are created, never started: shutting down releases anything a constructor opened.
    await service.shutdown();
  }
  return r.config;
}

/** What the encoder repaired (otlp/proto-write.ts), counted for the whole process. */
function registerCodecMetrics(t: Telemetry): void {
  let last = 0;
  t.counter({
    name: 'otelhub_encoder_malformed_strings_total',
    help: 'Strings with lone surrogates (not valid Unicode) encoded with U+FFFD in their place.',
    collect(this: { inc(v: number): void }) {
      const n = malformedStringsReplaced();
      this.inc(n - last);
      last = n;
    },
  });
}

/**
 * The hub could not start: every component (and the metrics endpoint) that failed, each under the config key to
 * change, where the config sets it, and the environment variable it comes from when it does.
 */
export class HubStartError extends Error {
  constructor(readonly issues: LocatedIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'HubStartError';
  }
}

function located(f: StartFailure, loaded: LoadedConfig | undefined): LocatedIssue {
  // A value from the environment is shown as its reference, as in every message about the config.
  let message = loaded ? loaded.scrub(f.message) : f.message;
  // A pull reader's address is its host and port: the variables either comes from.
  const env = [...new Set([f.path, [...f.path, 'host'], [...f.path, 'port']].flatMap((p) => loaded?.envOf(p) ?? []))];
  if (env.length > 0) message += ` (set ${env.join(' or ')} to change it)`;
  const location = loaded?.locate(f.path);
  return location ? { path: f.path, message, location } : { path: f.path, message };
}

/** Where the config sets reader i: in readers, or the deprecated address, or nowhere (the default reader). */
function readerPath(loaded: LoadedConfig | undefined, i: number): (string | number)[] {
  const at = ['service', 'telemetry', 'metrics'];
  const metrics = (loaded?.value as { service?: { telemetry?: { metrics?: Record<string, unknown> } } } | undefined)
    ?.service?.telemetry?.metrics;
  if (metrics?.readers !== undefined) return [...at, 'readers', i, 'pull', 'exporter', 'prometheus'];
  return metrics?.address !== undefined ? [...at, 'address'] : at;
}

/** A pull reader: /metrics on its host and port, as the reader's options and the hub's resource shape it. */
async function serveReader(
  telemetry: Telemetry,
  reader: PrometheusReader,
  resource: Readonly<Record<string, string>>,
): Promise<HttpListener> {
  return listenHttp(formatHostPort(reader.host, reader.port), (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    telemetry.scrape().then(
      (body) =>
        res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(readerText(body, reader, resource)),
      () => res.writeHead(500).end(),
    );
  });
}

export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const r = await loadHubConfig({ ...opts, checkFiles: opts.checkFiles ?? true });
  if (!r.config) throw new ConfigError(r.issues);
  const config = r.config;
  const logger = makeLogger(config, opts, r);
  const tcfg = config.service.telemetry.metrics;
  const telemetry = new Telemetry(tcfg.level);
  const metricsListeners: HttpListener[] = [];
  // Every failure is collected, each reader's and each component's, and reported together.
  const failures: StartFailure[] = [];
  if (tcfg.level !== 'none') {
    registerProcessMetrics(telemetry);
    registerCodecMetrics(telemetry);
  }
  for (const [i, reader] of tcfg.readers.entries()) {
    try {
      const l = await serveReader(telemetry, reader, config.service.telemetry.resource);
      metricsListeners.push(l);
      logger.info('serving internal metrics', {
        endpoint: `http://${formatHostPort(l.address.host, l.address.port)}/metrics`,
      });
    } catch (err) {
      failures.push({ path: readerPath(r.loaded, i), message: errorMessage(err) });
    }
  }
  const metricsListener = metricsListeners[0];
  const service = new Service({
    config,
    registry: r.registry,
    logger,
    telemetry,
    shutdownTimeoutMs: config.service.shutdown_timeout,
    configText: async () => (r.loaded ? mergedText(r.loaded, r.registry, opts) : ''),
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      await service.shutdown();
      await Promise.all(metricsListeners.map((l) => l.close()));
    })());
  try {
    await service.start({ announce: false });
  } catch (err) {
    if (!(err instanceof StartError)) {
      await shutdown();
      // A start error quotes values (an endpoint that cannot be bound): the config's environment values stay hidden.
      if (err instanceof Error && r.loaded) err.message = r.loaded.scrub(err.message);
      throw err;
    }
    failures.push(...err.failures);
  }
  if (failures.length > 0) {
    await shutdown();
    throw new HubStartError(failures.map((f) => located(f, r.loaded)));
  }
  service.announceReadiness();
  return { service, config, logger, metricsListener, metricsListeners, shutdown };
}
