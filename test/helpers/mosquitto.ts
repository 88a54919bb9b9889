// A real Mosquitto broker for tests, on a free port of 127.0.0.1, with its persistence in a temp dir so a restart
// keeps sessions and queued messages, as a production broker does. Mosquitto must be installed
// (`scripts/install-mosquitto.sh`): tests fail, never skip, when it is missing.
//
// Mosquitto's stock limits are raised because they lose data silently in load tests: beyond
// max_queued_messages (1000 by default) a persistent session's QoS 1 messages are dropped without a word, and
// max_inflight_messages (20) would cap an MQTT 3.1.1 client's window below what the receiver is configured for.
// It is raised to 1000 rather than 0 (no limit), which would let the broker flood a 3.1.1 client with everything
// queued. An MQTT 5 client's window is the Receive Maximum it sends in CONNECT, whatever max_inflight_messages says.
// The settings are those a production broker feeding a hub should have too (see receivers/mqtt/README.md).
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './hub.ts';

export interface MosquittoOptions {
  /** TLS listeners instead of plain ones; the URL becomes `mqtts://localhost:<port>`. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Users and passwords written to a password file with mosquitto_passwd; anonymous clients are then refused. */
  users?: Record<string, string>;
  /** An existing Mosquitto password file instead (made with mosquitto_passwd); anonymous clients are then refused. */
  passwordFile?: string;
  /** Default: true without `users` or `passwordFile`, false with them. */
  allowAnonymous?: boolean;
  /** Also listen for MQTT over WebSockets (`wsUrl`). */
  websockets?: boolean;
  /** More mosquitto.conf lines (global options go before the listeners). */
  extraConfig?: string[];
  /** Listen on this port (one a receiver was pointed at before the broker existed); default: a free one. */
  port?: number;
}

export interface Mosquitto {
  url: string;
  port: number;
  /** `ws://127.0.0.1:<port>` (`wss://localhost:<port>` with `tls`) when `websockets` was asked for. */
  wsUrl: string | undefined;
  /** Stops (SIGTERM: Mosquitto saves its persistence file) and starts again on the same ports. */
  restart(): Promise<void>;
  /** Stops for good and removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL, for tests of a broker that vanishes; start it again with restart(). */
  kill(): Promise<void>;
  /** The broker's log so far (for failure messages). */
  logs(): string;
}

const INSTALL_HINT =
  'Mosquitto is required by the MQTT tests: run scripts/install-mosquitto.sh (Debian/Ubuntu: apt-get install mosquitto)';

// Debian installs the broker in /usr/sbin, which is not on every user's PATH.
function findExecutable(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found. ${INSTALL_HINT}`);
}

const running = new Set<ChildProcess>();
// A test that fails before stop() must not leave a broker behind.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

function writePasswordFile(dir: string, users: Record<string, string>): string {
  const file = join(dir, 'passwd');
  writeFileSync(file, '', { mode: 0o600 });
  const passwd = findExecutable('mosquitto_passwd');
  for (const [user, password] of Object.entries(users))
    execFileSync(passwd, ['-b', file, user, password], { stdio: 'pipe' });
  return file;
}

// Mosquitto logs this once every listener is bound, so a client connecting after it finds this broker.
const RUNNING = /mosquitto version \S+ running/;
// Kept for failure messages; a long test would otherwise grow it without end.
const MAX_LOG = 64 * 1024;

function configLines(
  opts: MosquittoOptions,
  dir: string,
  port: number,
  wsPort: number | undefined,
  passwordFile: string | undefined,
): string[] {
  const t = opts.tls;
  // Per listener: both the MQTT and the WebSockets one serve TLS when asked.
  const tls = t
    ? [
        `cafile ${t.caFile}`,
        `certfile ${t.certFile}`,
        `keyfile ${t.keyFile}`,
        `require_certificate ${t.requireCertificate ?? false}`,
      ]
    : [];
  return [
    // Started as root, Mosquitto would switch to user `mosquitto`, who cannot read this temp dir.
    `user ${userInfo().username}`,
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'max_queued_messages 100000',
    'max_inflight_messages 1000',
    'persistent_client_expiration 1d',
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    ...(passwordFile ? [`password_file ${passwordFile}`] : []),
    `allow_anonymous ${opts.allowAnonymous ?? passwordFile === undefined}`,
    ...(opts.extraConfig ?? []),
    `listener ${port} 127.0.0.1`,
    ...tls,
    ...(wsPort ? [`listener ${wsPort} 127.0.0.1`, 'protocol websockets', ...tls] : []),
  ];
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const bin = findExecutable('mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-mosquitto-'));
  const passwordFile = opts.users ? writePasswordFile(dir, opts.users) : opts.passwordFile;
  const confFile = join(dir, 'mosquitto.conf');
  let port: number;
  let wsPort: number | undefined;
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const c = spawn(bin, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      running.add(c);
      let started = false;
      let output = ''; // this run's, so a restart does not take the previous run's line for its own
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 10s:\n${log}`)), 10_000);
      exited = new Promise((done) =>
        c.once('exit', () => {
          running.delete(c);
          clearTimeout(timer);
          if (!started) reject(new Error(`mosquitto exited at start:\n${log}`));
          done();
        }),
      );
      c.stderr?.on('data', (d: Buffer) => {
        log = (log + d.toString()).slice(-MAX_LOG);
        if (!started) output += d.toString();
        if (!started && RUNNING.test(output)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      });
    });

  // A free port can be taken by someone else before Mosquitto binds it: pick others a few times.
  for (let attempt = 1; ; attempt++) {
    port = opts.port ?? (await freePort());
    wsPort = opts.websockets ? await freePort() : undefined;
    writeFileSync(confFile, configLines(opts, dir, port, wsPort, passwordFile).join('\n') + '\n');
    try {
      await launch();
      break;
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !log.includes('Address already in use')) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      log = '';
    }
  }

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    child = undefined;
  };

  return {
    url: opts.tls ? `mqtts://localhost:${port}` : `mqtt://127.0.0.1:${port}`,
    port,
    wsUrl: wsPort ? (opts.tls ? `wss://localhost:${wsPort}` : `ws://127.0.0.1:${wsPort}`) : undefined,
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => halt('SIGKILL'),
    logs: () => log,
  };
}
