// K8S-SAT: MQTT v5 enhanced authentication with a Kubernetes service account token, as Azure IoT Operations' broker
// does it. CONNECT carries the token; while connected, a renewed token is offered with AUTH 0x19 (re-authenticate)
// before the old one expires, and the broker answers AUTH 0x00 or disconnects. The token is a credential: it never
// goes into a log line or an error message.
import { readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { ReasonCodes } from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { IAuthPacket, IDisconnectPacket } from 'mqtt-packet';
import { MAX_TIMER_MS } from '../../config/duration.ts';
import type { Logger } from '../../core/logger.ts';

export const SAT_METHOD = 'K8S-SAT';
const SUCCESS = 0x00,
  REAUTHENTICATE = 0x19; // AUTH reason codes
// Kubernetes swaps a symlink and a writer truncates then writes: read once after the burst of events settles.
const SETTLE_MS = 50;

/** A re-authentication the broker refused or left unanswered, already logged; `code` as in MQTT.js's errors. */
export class SatAuthError extends Error {
  override name = 'SatAuthError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

// Synchronous on purpose: the reconnect path must have the token within the tick (see onReconnect), and the file is
// a few hundred bytes on a tmpfs. Errors name the file, never its contents.
function readSatTokenSync(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read SAT token file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`, {
      cause: err,
    });
  }
  // A JWT is ASCII; a trailing newline from an editor or `echo` is not part of it.
  const token = Buffer.from(data.toString('utf8').trim());
  if (token.length === 0) throw new Error(`SAT token file ${file} is empty`);
  return token;
}

/** The token in `file`, trimmed; rejects naming the file (never quoting the token) when it is missing or empty. */
export const readSatToken = async (file: string): Promise<Buffer> => readSatTokenSync(file);

/** When the token expires: the JWT payload's `exp`, not verified (the broker verifies); undefined if not a JWT. */
export function tokenExpiry(token: Buffer): Date | undefined {
  const [, payload, ...rest] = token.toString('utf8').split('.');
  try {
    const exp: unknown =
      rest.length === 1 &&
      (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined; // not JSON, or JSON null
  }
}

/** The CONNECT properties for K8S-SAT, for the client's `properties` option. */
export async function satConnectProperties(
  file: string,
): Promise<{ authenticationMethod: string; authenticationData: Buffer }> {
  return { authenticationMethod: SAT_METHOD, authenticationData: await readSatToken(file) };
}

export interface SatAuthOptions {
  tokenFile: string;
  logger: Logger;
  reauthBeforeExpiryMs?: number; // re-authenticate this long before the token's `exp` (default 5 minutes)
  pollIntervalMs?: number; // polls the token file, the fallback where fs.watch is silent (default 10 s)
}

/** Keeps a v5 client's K8S-SAT authentication current: re-reads the token file before every reconnect, offers a
 * changed or soon-expiring token with AUTH 0x19 and handles the answer (within the client's connectTimeout). A
 * refusal or silence is logged and the client reconnects (MQTT.js may also emit it as 'error': a SatAuthError). */
export function attachSatAuth(client: MqttClient, opts: SatAuthOptions): { close(): void } {
  const { tokenFile: file, logger } = opts;
  if (client.options.protocolVersion !== 5) {
    logger.warn('K8S-SAT authentication needs MQTT v5; the token will not be renewed', { filename: file });
    return { close: () => undefined };
  }
  // MQTT.js 5.16 runs the CONNECT-time exchange but has no public way to send AUTH once connected. Its own AUTH
  // continuation (handlers/auth.js) uses the internal `_sendPacket`, which writes AUTH directly (never queues it
  // offline), so re-authentication uses it too, through sendAuth only. Checked here so that an upgrade that renames
  // it fails at start rather than an hour later, when the token rotates.
  const internal = (client as unknown as { _sendPacket?: unknown })._sendPacket;
  if (typeof internal !== 'function')
    throw new Error('MqttClient._sendPacket is missing from this MQTT.js; K8S-SAT re-authentication needs it');
  const sendAuth = (packet: IAuthPacket): void => (internal as (p: IAuthPacket) => void).call(client, packet);
  const props = () => (client.options.properties ??= {});
  const fields = (token: Buffer | undefined) => ({ filename: file, expiresAt: token && tokenExpiry(token) });
  let accepted = props().authenticationData; // the token the broker holds
  let pending: Buffer | undefined; // the token offered in an unanswered AUTH 0x19
  let watcher: FSWatcher | undefined, expiryTimer: NodeJS.Timeout | undefined, replyTimer: NodeJS.Timeout | undefined;
  let settleTimer: NodeJS.Timeout | undefined,
    readFailing = false;
  const fail = (err: SatAuthError): SatAuthError => {
    pending = undefined;
    clearTimeout(replyTimer);
    logger.error(err.message, { filename: file, reasonCode: err.code });
    return err;
  };
  const reauthenticate = (token: Buffer): void => {
    // Offline, the reconnect reads the file anyway; during an exchange, its answer triggers another read.
    if (!client.connected || pending) return;
    pending = token;
    logger.info('re-authenticating with the renewed SAT token', fields(token));
    sendAuth({
      cmd: 'auth',
      reasonCode: REAUTHENTICATE,
      properties: { authenticationMethod: SAT_METHOD, authenticationData: token },
    });
    const timeoutMs = client.options.connectTimeout ?? 30_000;
    replyTimer = setTimeout(() => {
      fail(
        new SatAuthError(
          `the broker did not answer the K8S-SAT re-authentication within ${timeoutMs} ms; reconnecting`,
        ),
      );
      client.stream.destroy(); // what MQTT.js does on a protocol error: it reconnects, presenting the file's token
    }, timeoutMs).unref();
  };
  // Offers the file's token when the broker holds another. Synchronous, so two checks never interleave.
  const check = (): void => {
    let token: Buffer;
    try {
      token = readSatTokenSync(file);
    } catch (err) {
      // Once per failing streak: a file that stays broken would otherwise log on every poll.
      if (!readFailing)
        logger.warn('cannot re-read the SAT token file; keeping the current token', { filename: file, error: err });
      return void (readFailing = true);
    }
    readFailing = false;
    if (!accepted?.equals(token) && !pending?.equals(token)) reauthenticate(token);
  };
  const scheduleExpiry = (): void => {
    clearTimeout(expiryTimer);
    const token = accepted;
    const exp = token && tokenExpiry(token);
    if (!token || !exp) return;
    const due = exp.getTime() - (opts.reauthBeforeExpiryMs ?? 5 * 60_000);
    const expiring = (): void => {
      check(); // normally finds the renewed token and re-authenticates
      if (client.connected && accepted === token && !pending)
        logger.warn('the SAT token file still holds the token that expires soon', fields(token));
    };
    // In steps: setTimeout fires at once past ~24.8 days.
    const arm = (): void => {
      expiryTimer = setTimeout(
        () => (Date.now() < due ? arm() : expiring()),
        Math.min(Math.max(due - Date.now(), 0), MAX_TIMER_MS),
      ).unref();
    };
    arm();
  };
  // MQTT.js hands a broker's AUTH to handleAuth (its public hook) after checking version and method, then ends the
  // exchange itself: after reason code 0 it does nothing more; after any other it drops the connection and emits the
  // error passed to the callback, and the client reconnects.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on shutdown; only ever called with .call(client)
  const previousHandleAuth = client.handleAuth;
  client.handleAuth = (packet, callback) => {
    const token = pending;
    if (!token) return previousHandleAuth.call(client, packet, callback);
    const rc = packet.reasonCode;
    if (rc !== SUCCESS) {
      const name =
        ReasonCodes[rc as keyof typeof ReasonCodes] ?? (rc === 0x18 ? 'Continue authentication' : 'unexpected');
      callback(
        fail(
          new SatAuthError(
            `the broker answered the K8S-SAT re-authentication with reason code 0x${rc.toString(16)} (${name}); reconnecting`,
            rc,
          ),
        ),
      );
      return;
    }
    pending = undefined;
    clearTimeout(replyTimer);
    accepted = props().authenticationData = token;
    logger.debug('K8S-SAT re-authentication accepted', fields(token));
    scheduleExpiry();
    callback();
    check(); // the file may have changed again during the exchange
  };
  const onReconnect = (): void => {
    // MQTT.js emits 'reconnect', then writes CONNECT from options.properties in the same tick: read synchronously.
    try {
      Object.assign(props(), { authenticationMethod: SAT_METHOD, authenticationData: readSatTokenSync(file) });
    } catch (err) {
      logger.error('cannot re-read the SAT token to reconnect; reconnecting with the previous one', {
        filename: file,
        error: err,
      });
    }
  };
  const onConnect = (): void => {
    accepted = props().authenticationData;
    scheduleExpiry();
    check(); // the file may have changed between the read and the CONNACK
  };
  const onDisconnect = ({ reasonCode: rc = 0 }: IDisconnectPacket): void => {
    if (pending)
      fail(
        new SatAuthError(
          `the broker disconnected during K8S-SAT re-authentication with reason code 0x${rc.toString(16)}`,
          rc,
        ),
      );
  };
  const onClose = (): void => {
    pending = undefined;
    for (const t of [replyTimer, expiryTimer]) clearTimeout(t);
  };
  const listeners = { reconnect: onReconnect, connect: onConnect, disconnect: onDisconnect, close: onClose };
  for (const [event, fn] of Object.entries(listeners)) client.on(event as 'close', fn as () => void);
  if (client.connected) onConnect();
  // The poll reads rather than stats: the file is a few hundred bytes, and comparing contents misses nothing.
  const poll = setInterval(check, opts.pollIntervalMs ?? 10_000).unref();
  try {
    // The directory, not the file: Kubernetes renames the `..data` symlink, which a watch on the file stops seeing.
    watcher = watch(dirname(file), { persistent: false }, () => {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(check, SETTLE_MS).unref();
    });
    watcher.on('error', () => watcher?.close()); // the poll carries on
  } catch (err) {
    logger.debug('cannot watch the SAT token directory; polling it instead', { filename: file, error: err });
  }
  return {
    close() {
      watcher?.close();
      clearInterval(poll);
      for (const t of [expiryTimer, replyTimer, settleTimer]) clearTimeout(t);
      for (const [event, fn] of Object.entries(listeners)) client.off(event as 'close', fn as () => void);
      client.handleAuth = previousHandleAuth;
    },
  };
}
