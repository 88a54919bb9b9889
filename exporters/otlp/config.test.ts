import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { redact, validateConfig } from '../../config/schema.ts';
import type { OtlpConfig } from './config.ts';
import { parseGrpcEndpoint } from './endpoint.ts';
import { otlpFactory } from './factory.ts';

function load(name: string): { config: OtlpConfig; errors: string[] } {
  const raw: unknown = parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8'));
  const { value, issues } = validateConfig(otlpFactory.configSchema, raw);
  const config = value as OtlpConfig;
  const all = issues.length > 0 ? issues : (otlpFactory.validate?.(config) ?? []);
  return { config, errors: all.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

describe('otlp config', () => {
  it('applies the Collector\'s defaults', () => {
    const { config, errors } = load('defaults.yaml');
    assert.deepEqual(errors, []);
    assert.equal(config.endpoint, 'localhost:4317');
    assert.equal(config.compression, 'gzip');
    assert.equal(config.timeout, 5_000);
    assert.equal(config.tls.insecure, false);
    assert.equal(config.retry_on_failure.initial_interval, 5_000);
    assert.deepEqual(config.sending_queue, { enabled: true, num_consumers: 10, queue_size: 1000 });
  });

  it('accepts every key, and never prints header values', () => {
    const { config, errors } = load('valid.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual((redact(config, otlpFactory.configSchema) as OtlpConfig).headers, { 'x-api-key': '[REDACTED]', 'X-Scope-OrgID': '[REDACTED]' });
  });

  it('reads the endpoint forms: the scheme chooses plain text or TLS', () => {
    assert.deepEqual(parseGrpcEndpoint('localhost:4317'), { target: 'localhost:4317', security: 'from-tls-config' });
    assert.deepEqual(parseGrpcEndpoint('http://collector:4317'), { target: 'collector:4317', security: 'plaintext' });
    assert.deepEqual(parseGrpcEndpoint('HTTPS://collector:4317/'), { target: 'collector:4317', security: 'tls' });
    assert.deepEqual(parseGrpcEndpoint('[::1]:4317'), { target: '[::1]:4317', security: 'from-tls-config' });
    assert.deepEqual(parseGrpcEndpoint('collector'), { target: 'collector', security: 'from-tls-config' });
    assert.throws(() => parseGrpcEndpoint('collector:99999'), /expected host:port/);
    assert.throws(() => parseGrpcEndpoint('unix:///tmp/s'), /only be http:\/\/ .* or https:\/\//);
  });

  const refusals: Record<string, RegExp> = {
    'invalid-endpoint-scheme.yaml': /^endpoint: .*scheme/,
    'invalid-endpoint-path.yaml': /^endpoint: .*a path is not allowed/,
    'invalid-http-with-tls-files.yaml': /^tls.ca_file: the http:\/\/ endpoint means plain text/,
    'invalid-https-insecure.yaml': /^tls.insecure: /,
    'invalid-compression.yaml': /^compression: must be one of/,
    'invalid-header-bin.yaml': /^headers.trace-context-bin: not usable as gRPC metadata/,
    'invalid-retry.yaml': /^retry_on_failure.initial_interval: /,
    'invalid-queue.yaml': /^sending_queue.queue_size: /,
    'invalid-auth.yaml': /^auth.authenticator: /,
    'unknown-key.yaml': /^balancer_name: unknown key/,
  };
  for (const file of readdirSync(new URL('testdata/', import.meta.url)).filter((n) => /^(invalid|unknown)-/.test(n))) {
    it(`refuses ${file}`, () => {
      const { errors } = load(file);
      const want = refusals[file];
      assert.ok(want, `expectation for ${file}`);
      assert.ok(errors.some((e) => want.test(e)), errors.join('\n'));
    });
  }

  for (const file of ['plaintext-http.yaml', 'plaintext-insecure.yaml', 'tls-https.yaml']) {
    it(`accepts ${file}`, () => assert.deepEqual(load(file).errors, []));
  }
});
