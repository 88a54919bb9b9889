import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { redact } from '../../config/schema.ts';
import { loadTestdata } from '../../test/helpers/exporter-harness.ts';
import type { OtlpHttpConfig } from './config.ts';
import { signalUrl } from './config.ts';
import { otlpHttpFactory } from './factory.ts';
import { parseRetryAfter } from './response.ts';

const load = (name: string) =>
  loadTestdata<OtlpHttpConfig>(otlpHttpFactory, new URL('testdata/', import.meta.url), name);

describe('otlphttp config', () => {
  it("applies the Collector's defaults", () => {
    const { config, errors } = load('defaults.yaml');
    assert.deepEqual(errors, []);
    assert.equal(config.endpoint, 'http://localhost:4318');
    assert.equal(config.encoding, 'proto');
    assert.equal(config.compression, 'gzip');
    assert.equal(config.timeout, 30_000);
    assert.deepEqual(config.headers, {});
    assert.equal(config.retry_on_failure.enabled, true);
    assert.equal(config.retry_on_failure.max_elapsed_time, 300_000);
    assert.deepEqual(config.sending_queue, {
      enabled: true,
      num_consumers: 10,
      queue_size: 1000,
      sizer: 'requests',
      block_on_overflow: false,
    });
    assert.equal(config.tls.insecure, false);
    assert.equal(signalUrl(config, 'metrics').href, 'http://localhost:4318/v1/metrics');
  });

  it('resolves signal URLs from the base URL or the signal endpoints', () => {
    const { config, errors } = load('valid.yaml');
    assert.deepEqual(errors, []);
    assert.equal(signalUrl(config, 'traces').href, 'https://traces.example.com/v1/traces');
    assert.equal(
      signalUrl({ ...config, traces_endpoint: undefined }, 'traces').href,
      'https://otlp.example.com:4318/base/v1/traces',
    );
    assert.equal(signalUrl(config, 'logs').href, 'https://logs.example.com/ingest');
  });

  it('never prints header values', () => {
    const { config } = load('valid.yaml');
    assert.deepEqual(redact(config, otlpHttpFactory.configSchema), {
      ...config,
      headers: { 'x-api-key': '[REDACTED]', 'X-Scope-OrgID': '[REDACTED]' },
    });
  });

  it('never quotes a URL that may hold credentials in its errors', () => {
    const { config } = load('defaults.yaml');
    for (const endpoint of [
      'https://user:s3cret@otlp.example.com:99999',
      'ftp://user:s3cret@otlp.example.com',
      'otlp.example.com/?key=s3cret',
    ]) {
      const issues = otlpHttpFactory.validate?.({ ...config, endpoint }) ?? [];
      assert.equal(issues.length, 1, endpoint);
      assert.match(issues[0]?.message ?? '', /^invalid URL \(not shown/);
      assert.doesNotMatch(JSON.stringify(issues), /s3cret/);
    }
    const plain = otlpHttpFactory.validate?.({ ...config, endpoint: 'otlp.example.com:4318' }) ?? [];
    assert.match(plain[0]?.message ?? '', /^invalid URL "otlp.example.com:4318"/);
  });

  const refusals: Record<string, RegExp> = {
    'invalid-endpoint-scheme.yaml': /^endpoint: .*scheme must be http or https/,
    'invalid-signal-endpoint.yaml': /^traces_endpoint: /,
    'invalid-encoding.yaml': /^encoding: must be one of/,
    'invalid-compression.yaml': /^compression: must be one of/,
    'invalid-timeout.yaml': /^timeout: timeout must be greater than 0/,
    'invalid-retry.yaml': /^retry_on_failure.max_elapsed_time: /,
    'invalid-queue.yaml': /^sending_queue.num_consumers: num_consumers must be positive/,
    'invalid-tls.yaml': /^tls.key_file: /,
    'invalid-auth.yaml': /^auth/,
    'invalid-header-name.yaml': /^headers/,
    'invalid-header-value.yaml': /^headers.x-api-key: must match pattern/,
    'unknown-key.yaml': /^read_buffer_size: unknown key/,
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
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now), 0, 'a date in the past: at once');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
