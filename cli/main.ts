// The otelhub command line. The components (gRPC, MQTT, ...) and the hub are imported only by the commands that
// need them: `--version` and `--help` then start in a fraction of the time (bench: BENCH=start).
import { parseArgs } from 'node:util';
import { KINDS } from '../core/component.ts';
import type { Factory } from '../core/component.ts';
import { otelhubVersion } from '../core/version.ts';
import type { LogLevel } from '../core/logger.ts';
import type { PipelineType, Signal } from '../core/pdata/signals.ts';
import { LOG_LEVELS } from '../core/logger.ts';
import { MAX_TIMER_MS } from '../config/duration.ts';
import { ConfigError, formatIssue } from '../config/issues.ts';
import { DEFAULT_CONFIG, DEFAULT_CONFIG_NAME } from './default-config.ts';
import { defaultConfigEnv } from './metrics-env.ts';
import type { HubOptions, HubStartError } from './hub.ts';

const HELP = `otelhub: an OpenTelemetry-Collector-style telemetry hub for the edge

Usage:
  otelhub [--config URI ...] [--set K=V ...] [--log-level LEVEL]
                                                  run the hub (without --config: drop-in mode or the embedded default)
  otelhub validate [--config URI ...] [--set K=V ...]
                                                  check the config and build every component, without starting
  otelhub print-config [--config URI ...] [--set K=V ...]
                                                  print the config the hub would run (save it to run it with --config)
  otelhub components [--json]                     list the component types, and Collector ones otelhub lacks
  otelhub print-default-config                    print the embedded default config
  otelhub --version | --help

Options:
  -c, --config URI     a YAML config: a path, file:PATH, env:NAME (the variable holds the YAML) or
                       yaml:key::path: value; repeat to merge several (maps merge, later ones win, lists are replaced)
  --set key::path=value
                       set one value after merging every --config (typed as YAML: 2s, 4317, true, [a, b]); repeatable;
                       applies to the drop-in or default config too. Example: --set processors::batch::timeout=2s
                       (. separates keys too, as in the Collector: --set processors.batch.timeout=2s)
  --log-level LEVEL    debug, info, warn or error (overrides service.telemetry.logs.level)
  --json               machine-readable output for components
  --skip-file-checks   validate without reading the files the config names

Without --config, otelhub runs in drop-in mode for the Rust MQTT-to-OpenTelemetry trace exporter when any of its
MQTT_* or CORRELATION_* environment variables is set (MQTT_BROKER_HOST, MQTT_TOPIC_FILTERS, ...): the same
mqtt -> correlation -> batch -> otlp_grpc pipeline, from the same variables (OTEL_*, APP_LOG_LEVEL, RUST_LOG and
HTTP_HEALTH_* too, which alone do not switch modes; docs/migration.md lists them all).
Otherwise it runs the embedded default config.

validate prints one line when the config is valid and logs warnings and errors only, unless --log-level asks for
more. It reads the certificates, keys and token files the config names, as start does; --skip-file-checks leaves
them out, for a config meant for another machine (a pod's mounted secrets).

In a config, \${env:NAME} or \${NAME} is an environment variable (\${env:NAME:-default} gives a default; an unset one
without a default is an error, where the Collector would use an empty string) and \${file:PATH} a file's content.

print-config prints the --config documents and --set values merged, with \${...} expanded and sensitive values
redacted; the drop-in or default config as it is (unless --set changes it).

Exit status: 0 on success or a clean shutdown; 1 on an invalid config or a failed start; 2 on a usage error.
`;

/** Where the config comes from: files, else the drop-in environment variables, else the embedded default. */
async function configSource(configs: string[] | undefined): Promise<HubOptions> {
  if (configs?.length) return { configFiles: configs };
  const { dropInHubOptions, isDropIn } = await import('./drop-in.ts');
  if (!isDropIn(process.env)) {
    const d = defaultConfigEnv(process.env);
    if (!('env' in d)) throw new ConfigError([d]);
    return {
      configText: { text: DEFAULT_CONFIG, name: DEFAULT_CONFIG_NAME },
      env: d.env,
      ...(d.warning === undefined ? {} : { notices: [{ level: 'warn' as const, msg: d.warning }] }),
    };
  }
  // Throws a ConfigError listing every variable with a bad value, reported as any config error.
  return dropInHubOptions(process.env);
}

async function hubOptions(
  configs: string[] | undefined,
  sets: string[] | undefined,
  logLevel: string | undefined,
): Promise<HubOptions> {
  const opts = await configSource(configs);
  if (sets?.length) opts.sets = sets;
  if (logLevel !== undefined) {
    if (!LOG_LEVELS.includes(logLevel as LogLevel))
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    opts.logLevel = logLevel as LogLevel;
  }
  return opts;
}

class UsageError extends Error {}

/** One line per problem, as `otelcol validate` prints them: a message never spans lines (a grep finds each whole). */
function printIssues(err: ConfigError): void {
  console.error(`invalid configuration (${err.issues.length} ${err.issues.length === 1 ? 'error' : 'errors'}):`);
  for (const i of err.issues) console.error(`  ${oneLine(formatIssue(i))}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Columns padded to their widest cell, two spaces apart; the last one is left as it is, however long. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

// Receivers and exporters name one signal per pipeline type, processors what they accept and emit.
type SignalsColumn = Readonly<Partial<Record<PipelineType, Signal | { accepts: Signal; emits: Signal }>>>;

function signalsOf(f: Factory): SignalsColumn {
  return 'signals' in f ? f.signals : {};
}

async function components(json: boolean): Promise<void> {
  const { builtinRegistry } = await import('../components.ts');
  const { MISSING_COMPONENTS } = await import('../config/missing-components.ts');
  const registry = builtinRegistry();
  const available = registry.all().map((f) => ({
    kind: f.kind,
    type: f.type,
    stability: f.stability,
    signals: signalsOf(f),
    description: f.description ?? '',
    available: true,
  }));
  // The Collector components a hub user most often configures that otelhub does not have, with what to use instead.
  const missing = MISSING_COMPONENTS.map((m) => ({
    kind: m.kind,
    type: m.type,
    stability: 'unavailable',
    signals: {},
    description: `not in otelhub: ${m.instead}`,
    available: false,
    instead: m.instead,
  }));
  const rows = [...available, ...missing];
  if (json) return void console.log(JSON.stringify(rows, null, 2));
  const cells = [...KINDS, 'connector'].flatMap((kind) =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => {
        const sig = Object.entries(r.signals)
          .map(([t, s]) => (typeof s === 'string' ? `${t}(${s})` : `${t}(${s.accepts}->${s.emits})`))
          .join(' ');
        // A placeholder rather than an empty cell, so every row has text at every column.
        return [r.kind, r.type, r.stability, sig || '-', r.description || '-'];
      }),
  );
  console.log(table([['KIND', 'TYPE', 'STABILITY', 'SIGNALS', 'DESCRIPTION'], ...cells]));
}

async function run(opts: HubOptions): Promise<number> {
  // Handlers go in before anything starts: a signal during startup must still shut down what started.
  let signalled: ((sig: NodeJS.Signals) => void) | undefined;
  let early: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => (signalled ? signalled(sig) : void (early ??= sig));
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const { startHub } = await import('./hub.ts');
  const hub = await startHub(opts);
  // A running hub lives until it is signalled, even when nothing of its own holds the event loop (an mqtt receiver
  // waiting on an unref'd reconnect timer with no listener open): without this Node would end the process with
  // "unsettled top-level await" (exit 13).
  const alive = setInterval(() => {}, MAX_TIMER_MS);
  return new Promise<number>((done) => {
    const resolve = (code: number): void => {
      clearInterval(alive);
      done(code);
    };
    let count = 0;
    signalled = (sig) => {
      count++;
      if (count > 1) {
        hub.logger.warn('second signal: exiting without waiting for shutdown', { signal: sig });
        return resolve(1);
      }
      hub.logger.info('received signal, shutting down', { signal: sig });
      hub.shutdown().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    if (early) signalled(early);
  });
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', multiple: true },
      set: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'skip-file-checks': { type: 'boolean' },
      json: { type: 'boolean' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (void console.log(HELP), 0);
  if (values.version) return (void console.log(otelhubVersion()), 0);
  const [command = 'run', ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  switch (command) {
    case 'run':
      return run(await hubOptions(values.config, values.set, values['log-level']));
    case 'validate': {
      const opts = await hubOptions(values.config, values.set, values['log-level']);
      const { validateHub } = await import('./hub.ts');
      const cfg = await validateHub({ ...opts, checkFiles: !values['skip-file-checks'] });
      const n = Object.keys(cfg.service.pipelines).length;
      console.log(`configuration is valid (${n} ${n === 1 ? 'pipeline' : 'pipelines'})`);
      return 0;
    }
    case 'print-config': {
      const { printConfig } = await import('./print-config.ts');
      process.stdout.write(await printConfig(await hubOptions(values.config, values.set, values['log-level'])));
      return 0;
    }
    case 'print-default-config':
      process.stdout.write(DEFAULT_CONFIG);
      return 0;
    case 'components':
      await components(values.json ?? false);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function cli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      printIssues(err);
      return 1;
    }
    if (err instanceof Error && err.name === 'HubStartError') {
      const issues = (err as HubStartError).issues;
      console.error(`otelhub: cannot start (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):`);
      for (const i of issues) console.error(`  ${oneLine(formatIssue(i))}`);
      return 1;
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`otelhub: ${(err as Error).message}\n\n${HELP}`);
      return 2;
    }
    console.error(`otelhub: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
