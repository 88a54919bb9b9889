// Shared by the TLS tests: configs through the real schema (so defaults and durations are what components get),
// and a server certificate naming only `localhost`, to prove server_name_override is what gets verified.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../schema.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { tlsClientSchema, tlsServerSchema } from './tls.ts';
import type { TlsClientConfig, TlsServerConfig } from './tls.ts';

export function serverConfig(raw: Record<string, unknown>): TlsServerConfig {
  const { value, issues } = validateConfig(tlsServerSchema, raw);
  assert.deepEqual(issues, []);
  return value as TlsServerConfig;
}

export function clientConfig(raw: Record<string, unknown>): TlsClientConfig {
  const { value, issues } = validateConfig(tlsClientSchema, raw);
  assert.deepEqual(issues, []);
  return value as TlsClientConfig;
}

/** A server certificate from the test CA with only DNS:localhost (no IP), and its key. */
export function localhostOnlyCert(certs: TestCerts): { certFile: string; keyFile: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: certs.dir, stdio: 'pipe' });
  run([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'lh.key',
    '-out',
    'lh.csr',
  ]);
  writeFileSync(join(certs.dir, 'lh.ext'), 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run([
    'x509',
    '-req',
    '-in',
    'lh.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    'lh.crt',
    '-extfile',
    'lh.ext',
  ]);
  return { certFile: join(certs.dir, 'lh.crt'), keyFile: join(certs.dir, 'lh.key') };
}
