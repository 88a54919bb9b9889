// The `tls` settings of receivers and exporters, with the keys and defaults of the Collector's configtls, so a
// Collector config's `tls:` block works here unchanged. Keys configtls has and otelhub does not (cipher_suites,
// *_pem, include_system_ca_certs_pool, ...) are refused as unknown rather than silently ignored.
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export type TlsVersion = '1.2' | '1.3';
export const DEFAULT_TLS_MIN_VERSION: TlsVersion = '1.2';
const VERSIONS: readonly TlsVersion[] = ['1.2', '1.3'];

export interface TlsServerConfig {
  cert_file?: string;
  key_file?: string;
  /** Enables mTLS: every client must present a certificate this CA signed. */
  client_ca_file?: string;
  /** Read and checked as the Collector does, but a server verifies clients against client_ca_file only. */
  ca_file?: string;
  min_version: TlsVersion;
  max_version?: TlsVersion;
  /** Milliseconds between re-reads of the files; unset: read once at start. */
  reload_interval?: number;
}

export interface TlsClientConfig {
  /** No TLS at all (plain text), as `insecure: true` means for gRPC in the Collector. */
  insecure: boolean;
  /** CA to verify the server with; unset: the system's roots. */
  ca_file?: string;
  /** Client certificate for mTLS (both or neither). */
  cert_file?: string;
  key_file?: string;
  /** Skips verifying the server's chain and name. Encrypts, but no longer knows whom it talks to. */
  insecure_skip_verify: boolean;
  /** The name to verify (and send as SNI) instead of the endpoint's host. */
  server_name_override?: string;
  min_version: TlsVersion;
  max_version?: TlsVersion;
}

const file = { type: 'string', minLength: 1 };
// Read and parsed by validate too (config/file-check.ts).
const certFile = { ...file, file: 'certificate' };
const keyFile = { ...file, file: 'private_key' };
const version = { type: 'string', enum: VERSIONS };

export const tlsServerSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cert_file: certFile,
    key_file: keyFile,
    client_ca_file: certFile,
    ca_file: certFile,
    min_version: { ...version, default: DEFAULT_TLS_MIN_VERSION },
    max_version: version,
    reload_interval: { type: ['string', 'number'], duration: true },
  },
};

export const tlsClientSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    insecure: { type: 'boolean', default: false },
    ca_file: certFile,
    cert_file: certFile,
    key_file: keyFile,
    insecure_skip_verify: { type: 'boolean', default: false },
    server_name_override: { type: 'string', minLength: 1 },
    min_version: { ...version, default: DEFAULT_TLS_MIN_VERSION },
    max_version: version,
  },
};

function versionIssues(min: TlsVersion, max: TlsVersion | undefined): ConfigIssue[] {
  if (max === undefined || VERSIONS.indexOf(max) >= VERSIONS.indexOf(min)) return [];
  return [{ path: ['max_version'], message: `max_version ${max} is below min_version ${min}` }];
}

function pairIssues(cert: string | undefined, key: string | undefined): ConfigIssue[] {
  if (cert !== undefined && key === undefined)
    return [{ path: ['key_file'], message: 'key_file is required with cert_file' }];
  if (key !== undefined && cert === undefined)
    return [{ path: ['cert_file'], message: 'cert_file is required with key_file' }];
  return [];
}

/** Cross-key checks of a `tls` server block (defaults applied); paths are relative to the block. */
export function validateTlsServer(cfg: TlsServerConfig): ConfigIssue[] {
  const issues = pairIssues(cfg.cert_file, cfg.key_file);
  if (cfg.cert_file === undefined && cfg.key_file === undefined) {
    issues.push({ path: ['cert_file'], message: 'cert_file and key_file are required to serve TLS' });
  }
  if (cfg.reload_interval === 0) {
    issues.push({
      path: ['reload_interval'],
      message: 'reload_interval must be greater than 0 (leave it unset to read the files once)',
    });
  }
  return [...issues, ...versionIssues(cfg.min_version, cfg.max_version)];
}

/** Cross-key checks of a `tls` client block (defaults applied); paths are relative to the block. */
export function validateTlsClient(cfg: TlsClientConfig): ConfigIssue[] {
  const issues = pairIssues(cfg.cert_file, cfg.key_file);
  // The Collector would still use TLS with a ca_file under insecure: true; refusing beats guessing which was meant.
  for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
    if (cfg.insecure && cfg[key] !== undefined) {
      issues.push({
        path: [key],
        message: `insecure: true turns TLS off, so ${key} would be ignored: remove one of the two`,
      });
    }
  }
  return [...issues, ...versionIssues(cfg.min_version, cfg.max_version)];
}
