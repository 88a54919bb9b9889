import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { redact } from '../../config/schema.ts';
import { loadTestdata } from '../../test/helpers/exporter-harness.ts';
import type { OtlpConfig } from './config.ts';
import { parseGrpcEndpoint } from './endpoint.ts';
import { otlpFactory } from './factory.ts';

const load = (name: string) => loadTestdata<OtlpConfig>(otlpFactory, new URL('testdata/', import.meta.url), name);

describe('otlp config', () => {
  it("applies the Collector's defaults", () => {
    const { config, errors } = load('defaults.yaml');
    assert.deepEqual(errors, []);
    assert.equal(config.endpoint, 'localhost:4317');
    assert.equal(config.compression, 'gzip');
    assert.equal(config.timeout, 5_000);
    assert.equal(config.tls.insecure, false);
    assert.equal(config.retry_on_failure.initial_interval, 5_000);
    assert.deepEqual(config.sending_queue, {
      enabled: true,
      num_consumers: 10,
      queue_size: 1000,
      sizer: 'requests',
      block_on_overflow: false,
    });
  });

  it('accepts every key, and never prints header values', () => {
    const { config, errors } = load('valid.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual((redact(config, otlpFactory.configSchema) as OtlpConfig).headers, {
      'x-api-key': '[REDACTED]',
      'X-Scope-OrgID': '[REDACTED]',
    });
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

  it('never quotes an endpoint that may hold credentials in its errors', () => {
    for (const endpoint of [
      'https://user:s3cret@collector:4317',
      'grpc://user:s3cret@collector:4317',
      'collector:4317?token=s3cret',
    ]) {
      assert.throws(
        () => parseGrpcEndpoint(endpoint),
        (e: Error) => /^invalid endpoint \(not shown/.test(e.message) && !/s3cret/.test(e.message),
        endpoint,
      );
    }
    assert.throws(() => parseGrpcEndpoint('collector:99999'), /^Error: invalid endpoint "collector:99999"/);
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
      assert.ok(
        errors.some((e) => want.test(e)),
        errors.join('\n'),
      );
    });
  }

  for (const file of ['plaintext-http.yaml', 'plaintext-insecure.yaml', 'tls-https.yaml']) {
    it(`accepts ${file}`, () => assert.deepEqual(load(file).errors, []));
  }
});
