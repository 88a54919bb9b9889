// For the TLS tests: configs through the real schema, so defaults and durations are what components get.
import assert from 'node:assert/strict';
import { validateConfig } from '../../config/schema.ts';
import { tlsClientSchema, tlsServerSchema } from '../../config/blocks/tls.ts';
import type { TlsClientConfig, TlsServerConfig } from '../../config/blocks/tls.ts';

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
