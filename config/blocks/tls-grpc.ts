// grpc-js credentials from the same `tls` blocks, so the gRPC and HTTP sides of OTLP mean the same by each key.
//
// Server: grpc-js's ServerCredentials.createSsl has no TLS version setting, so min_version / max_version would be
// silently dropped; a small subclass passes them to http2.createSecureServer and pushes reloaded files through
// grpc-js's own secure-context watcher (the same path its certificate providers use).
//
// Client: insecure_skip_verify. grpc-js (1.14) honours VerifyOptions.rejectUnauthorized, so with it the client
// skips both the chain and the name check, as Go's InsecureSkipVerify does; the connection is still encrypted and
// still presents the client certificate. What it cannot do: make the server accept us. Without it, the chain is
// verified against ca_file (or the system roots) and the name against the target host or server_name_override.
import * as grpc from '@grpc/grpc-js';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import type { TlsClientConfig, TlsServerConfig } from './tls-config.ts';
import { loadClientTls, loadServerTls, startTlsReload } from './tls-load.ts';
import type { ServerTlsOptions } from './tls-load.ts';

type Watcher = Parameters<grpc.ServerCredentials['_addWatcher']>[0];

function contextOptions(o: ServerTlsOptions): SecureContextOptions {
  return { cert: o.cert, key: o.key, ca: o.ca, minVersion: o.minVersion, maxVersion: o.maxVersion };
}

class TlsServerCredentials extends grpc.ServerCredentials {
  private stopReload: (() => void) | undefined;
  private current: ServerTlsOptions;

  constructor(
    private readonly cfg: TlsServerConfig,
    initial: ServerTlsOptions,
    private readonly onReloadError: (err: Error) => void,
  ) {
    super(
      { requestCert: initial.requestCert, rejectUnauthorized: initial.rejectUnauthorized },
      contextOptions(initial),
    );
    this.current = initial;
  }

  // Reload runs while a bound server watches these credentials; grpc-js removes its watcher when the server closes.
  override _addWatcher(watcher: Watcher): void {
    super._addWatcher(watcher);
    this.stopReload ??= startTlsReload(
      this.cfg,
      this.current,
      (next) => {
        this.current = next;
        this.updateSecureContextOptions(contextOptions(next));
      },
      this.onReloadError,
    );
  }

  override _removeWatcher(watcher: Watcher): void {
    super._removeWatcher(watcher);
    if (this.getWatcherCount() > 0) return;
    this.stopReload?.();
    this.stopReload = undefined;
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export interface GrpcServerCredentialsOptions {
  /** Told when a reload (reload_interval) fails; the previous certificates stay in use. */
  onReloadError?: (err: Error) => void;
}

/** Server credentials for a `tls` server block: plain text when undefined, mTLS with client_ca_file. */
export async function grpcServerCredentials(
  cfg: TlsServerConfig | undefined,
  opts: GrpcServerCredentialsOptions = {},
): Promise<grpc.ServerCredentials> {
  if (!cfg) return grpc.ServerCredentials.createInsecure();
  return new TlsServerCredentials(cfg, await loadServerTls(cfg), opts.onReloadError ?? (() => {}));
}

export interface GrpcChannelTls {
  credentials: grpc.ChannelCredentials;
  /** Pass to the client or channel constructor (carries server_name_override). */
  channelOptions: grpc.ChannelOptions;
}

/** Channel credentials for a `tls` client block: plain text with `insecure: true`. */
export async function grpcChannelCredentials(cfg: TlsClientConfig): Promise<GrpcChannelTls> {
  const opts = await loadClientTls(cfg);
  if (!opts) return { credentials: grpc.credentials.createInsecure(), channelOptions: {} };
  // A secure context rather than createSsl, which has no TLS version setting. Without ca_file, Node's roots apply.
  const context = createSecureContext({
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    minVersion: opts.minVersion,
    maxVersion: opts.maxVersion,
  });
  const verify: grpc.VerifyOptions = cfg.insecure_skip_verify
    ? { rejectUnauthorized: false, checkServerIdentity: () => undefined }
    : {};
  const channelOptions: grpc.ChannelOptions = {};
  if (cfg.server_name_override !== undefined)
    channelOptions['grpc.ssl_target_name_override'] = cfg.server_name_override;
  return {
    credentials: withoutIpServerName(grpc.credentials.createFromSecureContext(context, verify)),
    channelOptions,
  };
}

interface SecureConnector {
  connectionOptions?: { servername?: string };
}

/**
 * grpc-js (1.14.7) passes the target host as the TLS server name even when it is an IP literal. RFC 6066 forbids
 * that, and Node 26 throws instead of warning (DEP0123), so every TLS channel to `10.0.0.5:4317` would fail. Go's
 * crypto/tls, which the Collector uses, sends no SNI for an IP and verifies the certificate's IP SANs; dropping the
 * server name does the same here, since Node then checks the identity against `host`. This reaches one grpc-js
 * internal (the connector's connection options); if a grpc-js update moves it, the patch does nothing and the
 * tls-grpc tests, which dial 127.0.0.1, fail.
 */
function withoutIpServerName(credentials: grpc.ChannelCredentials): grpc.ChannelCredentials {
  const target = credentials as unknown as { _createSecureConnector?: (...args: unknown[]) => SecureConnector };
  const create = target._createSecureConnector;
  if (typeof create !== 'function') return credentials;
  target._createSecureConnector = function (this: unknown, ...args: unknown[]): SecureConnector {
    const connector = create.apply(this, args);
    const opts = connector.connectionOptions;
    if (opts?.servername !== undefined && isIP(opts.servername) !== 0) delete opts.servername;
    return connector;
  };
  return credentials;
}
