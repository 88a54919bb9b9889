// Turns a `tls` block into the options node:tls, node:https and undici take. Files are checked when read, so a
// wrong path or a key that does not match its certificate fails start with the key and path named, instead of
// every later handshake failing with an OpenSSL code. Errors never quote a file's contents.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkServerIdentity as checkName } from 'node:tls';
import type { PeerCertificate, SecureVersion } from 'node:tls';
import type { TlsClientConfig, TlsServerConfig, TlsVersion } from './tls-config.ts';

/** What `https.createServer` / `tls.createServer` need (also `server.setSecureContext` on reload). */
export interface ServerTlsOptions {
  cert: Buffer;
  key: Buffer;
  /** The client CA; set only with mTLS. */
  ca?: Buffer;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
}

/** What `tls.connect`, `https.request` / `https.Agent` and undici's `connect` option need. */
export interface ClientTlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  /** SNI; set only with server_name_override (otherwise the endpoint's host). */
  servername?: string;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
  checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined;
}

export function secureVersion(v: TlsVersion): SecureVersion {
  return v === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

async function readFileFor(key: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`tls: cannot read ${key} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`, {
      cause: err,
    });
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads a certificate (or a bundle of them) and checks that every block parses. */
async function readCerts(key: string, path: string): Promise<{ pem: Buffer; first: X509Certificate }> {
  const pem = await readFileFor(key, path);
  const blocks = pem.toString('latin1').match(PEM_CERT) ?? [];
  let certs: X509Certificate[];
  try {
    certs = blocks.map((b) => new X509Certificate(b));
  } catch {
    throw new Error(`tls: invalid ${key} ${path}: a certificate in it does not parse`);
  }
  const first = certs[0];
  if (!first) throw new Error(`tls: invalid ${key} ${path}: no PEM certificate found`);
  return { pem, first };
}

async function readKey(key: string, path: string): Promise<{ pem: Buffer; object: KeyObject }> {
  const pem = await readFileFor(key, path);
  try {
    return { pem, object: createPrivateKey(pem) };
  } catch {
    throw new Error(`tls: invalid ${key} ${path}: not an unencrypted PEM private key`);
  }
}

/**
 * Promise.all, except that the error reported is the first in the block's order (cert_file before key_file), not
 * whichever read failed first: the same broken config gives the same message every time.
 */
async function allInOrder<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]>;
async function allInOrder<A, B, C>(a: Promise<A>, b: Promise<B>, c: Promise<C>): Promise<[A, B, C]>;
async function allInOrder(...reads: Promise<unknown>[]): Promise<unknown[]> {
  const settled = await Promise.allSettled(reads);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
}

/** The certificate and key, checked to belong together. */
async function readPair(cfg: { cert_file: string; key_file: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const [cert, key] = await allInOrder(readCerts('cert_file', cfg.cert_file), readKey('key_file', cfg.key_file));
  if (!cert.first.checkPrivateKey(key.object)) {
    throw new Error(`tls: key_file ${cfg.key_file} does not match cert_file ${cfg.cert_file}`);
  }
  return { cert: cert.pem, key: key.pem };
}

/** Reads and checks the files of a server block. Rejects with an Error naming the key and path. */
export async function loadServerTls(cfg: TlsServerConfig): Promise<ServerTlsOptions> {
  const { cert_file, key_file } = cfg;
  if (cert_file === undefined || key_file === undefined)
    throw new Error('tls: cert_file and key_file are required to serve TLS');
  const [pair, clientCa] = await allInOrder(
    readPair({ cert_file, key_file }),
    cfg.client_ca_file === undefined ? Promise.resolve(undefined) : readCerts('client_ca_file', cfg.client_ca_file),
    // Checked like the Collector does; a server has no use for it (clients are verified with client_ca_file).
    cfg.ca_file === undefined ? Promise.resolve(undefined) : readCerts('ca_file', cfg.ca_file),
  );
  const opts: ServerTlsOptions = {
    ...pair,
    requestCert: clientCa !== undefined,
    rejectUnauthorized: true,
    minVersion: secureVersion(cfg.min_version),
  };
  if (clientCa) opts.ca = clientCa.pem;
  if (cfg.max_version) opts.maxVersion = secureVersion(cfg.max_version);
  return opts;
}

/** Reads and checks the files of a client block; undefined when `insecure: true` (plain text). */
export async function loadClientTls(cfg: TlsClientConfig): Promise<ClientTlsOptions | undefined> {
  if (cfg.insecure) return undefined;
  const { cert_file, key_file, server_name_override: override } = cfg;
  if ((cert_file === undefined) !== (key_file === undefined))
    throw new Error('tls: cert_file and key_file go together');
  const [ca, pair] = await allInOrder(
    cfg.ca_file === undefined ? Promise.resolve(undefined) : readCerts('ca_file', cfg.ca_file),
    cert_file === undefined || key_file === undefined ? Promise.resolve(undefined) : readPair({ cert_file, key_file }),
  );
  const opts: ClientTlsOptions = {
    rejectUnauthorized: !cfg.insecure_skip_verify,
    minVersion: secureVersion(cfg.min_version),
    // Node passes the SNI name as host; the override is applied here too for clients that set their own SNI.
    checkServerIdentity: cfg.insecure_skip_verify ? () => undefined : (host, cert) => checkName(override ?? host, cert),
  };
  if (ca) opts.ca = ca.pem;
  if (pair) Object.assign(opts, pair);
  if (override !== undefined) opts.servername = override;
  if (cfg.max_version) opts.maxVersion = secureVersion(cfg.max_version);
  return opts;
}

function sameFiles(a: ServerTlsOptions, b: ServerTlsOptions): boolean {
  const eq = (x: Buffer | undefined, y: Buffer | undefined): boolean => (x && y ? x.equals(y) : x === y);
  return eq(a.cert, b.cert) && eq(a.key, b.key) && eq(a.ca, b.ca);
}

/**
 * Re-reads a server block's files every `reload_interval` and hands changed options to `apply` (for a node:https
 * or node:tls server: `(o) => server.setSecureContext(o)`). A failed read keeps the previous certificates and is
 * reported once to `onError` until a read succeeds again. Returns the function that stops it; a no-op without
 * reload_interval. The timer does not keep the process alive.
 */
export function startTlsReload(
  cfg: TlsServerConfig,
  initial: ServerTlsOptions,
  apply: (opts: ServerTlsOptions) => void,
  onError: (err: Error) => void,
): () => void {
  if (!cfg.reload_interval) return () => {};
  let current = initial;
  let stopped = false;
  let busy = false;
  let lastError: string | undefined;
  const tick = async (): Promise<void> => {
    try {
      const next = await loadServerTls(cfg);
      if (stopped) return;
      lastError = undefined;
      if (sameFiles(current, next)) return;
      apply(next);
      current = next;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (!stopped && e.message !== lastError) onError(e);
      lastError = e.message;
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void tick().finally(() => (busy = false));
  }, cfg.reload_interval);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
