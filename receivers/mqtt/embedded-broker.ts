// The embedded broker (`embedded_broker`): an ingest-only MQTT server (ingress/) in the hub's process, for sites with
// no broker of their own. Devices publish to it and each message goes into the receiver's delivery, the same path a
// message from an external broker takes; a QoS 1 message is acknowledged to its device once the pipelines settled it.
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { access, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { loadServerTls, startTlsReload } from '../../config/blocks/index.ts';
import type { CreateSettings } from '../../core/component.ts';
import type { Logger } from '../../core/logger.ts';
import { authRefusalReporter, limitHitReporter } from '../../core/receiver-reports.ts';
import { ConfigKeyError } from '../../core/errors.ts';
import { formatHostPort, listen, parseHostPort } from '../../core/net.ts';
import type { ResolvedConfig } from './config.ts';
import type { EmbeddedBrokerConfig } from './ingress/config.ts';
import { anonymousAllowed, isLoopback, sessionFileFor } from './ingress/config.ts';
import { PasswordFile } from './ingress/password-file.ts';
import { IngressServer } from './ingress/server.ts';
import type { IngressSink } from './ingress/server.ts';
import { SessionStore } from './ingress/session-store.ts';
import { Sessions } from './ingress/sessions.ts';
import { topicMatcher } from './ingress/topic-match.ts';

export interface EmbeddedBroker {
  /** `host:port` as configured, with the real port when 0 was asked for (for logs). */
  readonly endpoint: string;
  readonly server: IngressServer;
  /** Shutdown, first step: closes the listener and stops reading from devices. */
  stopAccepting(): void;
  /** Resolves once every message taken from a device settled (and was acknowledged) or was abandoned. */
  drained(): Promise<void>;
  /** Disconnects every device. Idempotent. */
  close(): Promise<void>;
}

async function listener(eb: EmbeddedBrokerConfig, logger: Logger): Promise<{ server: Server; stop: () => void }> {
  if (!eb.tls) return { server: createServer({ pauseOnConnect: false }), stop: () => {} };
  const tlsCfg = eb.tls;
  const initial = await loadServerTls(tlsCfg);
  // The handshake comes before CONNECT, and gets the same time (Node's own limit is 120 s).
  const server = createTlsServer({ ...initial, handshakeTimeout: eb.connect_timeout });
  const stop = startTlsReload(
    tlsCfg,
    initial,
    (o) => server.setSecureContext(o),
    (err) =>
      logger.warn('cannot reload the embedded broker certificates; keeping the previous ones', { error: err.message }),
  );
  return { server, stop };
}

/** Says so when the listener takes anyone from other machines, or nobody at all. */
function warnAboutAccess(eb: EmbeddedBrokerConfig, logger: Logger): void {
  const anonymous = anonymousAllowed(eb);
  if (anonymous && !isLoopback(eb.endpoint))
    logger.warn('embedded MQTT broker accepts anonymous devices from other machines', { endpoint: eb.endpoint });
  if (!anonymous && eb.password_file === undefined && eb.tls?.client_ca_file === undefined)
    logger.warn(
      'embedded MQTT broker accepts no device: allow anonymous devices (allow_anonymous, or OTELHUB_MQTT_ALLOW_ANONYMOUS=true with the default config) or give them credentials (password_file, tls.client_ca_file)',
      { endpoint: eb.endpoint },
    );
}

/** Opens the session file, reads the password file, loads TLS, then listens; rejects naming what failed. */
export async function startEmbeddedBroker(
  cfg: ResolvedConfig,
  deps: { settings: Pick<CreateSettings, 'id' | 'logger' | 'telemetry'>; sink: IngressSink },
): Promise<EmbeddedBroker> {
  const { logger } = deps.settings;
  const eb = cfg.embedded_broker as EmbeddedBrokerConfig;
  const sessionFile = sessionFileFor(eb, deps.settings.id);
  const atSessionFile = (err: unknown): never => {
    throw new ConfigKeyError(['embedded_broker', 'session_file'], (err as Error).message, { cause: err });
  };
  const store = await SessionStore.open(sessionFile).catch(atSessionFile);
  // Written only when a device asks for a persistent session, so a directory it cannot be written to is found now.
  await access(dirname(sessionFile), constants.W_OK).catch(() =>
    atSessionFile(
      new Error(`embedded MQTT broker cannot write its session_file ${sessionFile}: the directory is not writable`),
    ),
  );
  const passwords = eb.password_file === undefined ? undefined : await PasswordFile.load(eb.password_file);
  const { server: net, stop: stopReload } = await listener(eb, logger);
  const refusals = authRefusalReporter(deps.settings, 'mqtt');
  const limits = limitHitReporter(deps.settings, 'mqtt');
  // A listener takes over from Node's default, which destroys the socket: so does this one.
  net.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') limits.drop('connect_timeout', 1, { endpoint: eb.endpoint });
    socket.destroy();
  });
  const address = parseHostPort(eb.endpoint);
  const server = new IngressServer(net, {
    receiveMaximum: eb.receive_maximum,
    maxPacketSize: eb.max_packet_size,
    maxInflightBytes: eb.max_inflight_bytes,
    connectTimeoutMs: eb.connect_timeout,
    maxConnections: eb.max_connections,
    limitHit: (limit) => limits.drop(limit, 1, { endpoint: eb.endpoint }),
    authRefused: (reason, fields) => refusals.drop(reason, 1, fields),
    allowAnonymous: anonymousAllowed(eb),
    passwords,
    sessions: new Sessions(store, logger),
    accepts: topicMatcher(cfg.topics),
    sink: deps.sink,
    logger,
  });
  let port: number;
  try {
    port = (await listen(net, address)).port;
  } catch (err) {
    stopReload();
    throw new ConfigKeyError(['embedded_broker', 'endpoint'], (err as Error).message, { cause: err });
  }
  // Once listening, an accept error (too many open files) must not end the process: devices connect again.
  net.on('error', (err) => logger.error('embedded MQTT broker listener error', { error: err.message }));
  warnAboutAccess(eb, logger);
  let closing: Promise<void> | undefined;
  return {
    endpoint: formatHostPort(address.host, port),
    server,
    stopAccepting: () => {
      stopReload();
      server.stopAccepting();
    },
    drained: () => server.drained(),
    close(): Promise<void> {
      closing ??= (async () => {
        stopReload();
        await server.close();
        refusals.close();
        limits.close();
      })();
      return closing;
    },
  };
}
