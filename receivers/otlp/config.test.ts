import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { ConfigIssue } from '../../core/component.ts';
import { DEFAULT_MAX_REQUEST_BODY_SIZE, otlpConfigSchema, resolveProtocols, validateOtlpConfig } from './config.ts';
import type { OtlpReceiverConfig } from './config.ts';
import { HTTP_SERVER_LIMIT_DEFAULTS, grpcServerOptions, httpServerOptions } from '../../config/blocks/index.ts';
import type { GrpcServerLimits, HttpServerLimits } from '../../config/blocks/index.ts';

function check(raw: unknown): { cfg: OtlpReceiverConfig; issues: ConfigIssue[] } {
  const { value, issues } = validateConfig(otlpConfigSchema, raw);
  const cfg = value as OtlpReceiverConfig;
  return { cfg, issues: issues.length ? issues : validateOtlpConfig(cfg) };
}

describe('otlp receiver config', () => {
  it('enables both protocols with the Collector defaults when protocols is left out', () => {
    const { cfg, issues } = check({});
    assert.deepEqual(issues, []);
    assert.deepEqual(resolveProtocols(cfg), {
      grpc: {
        endpoint: 'localhost:4317',
        max_recv_msg_size_mib: 4,
        response_timeout: 9000,
        include_metadata: false,
        max_concurrent_streams: 100,
        max_connections: 500,
        read_timeout: 30_000,
      },
      http: {
        endpoint: 'localhost:4318',
        traces_url_path: '/v1/traces',
        metrics_url_path: '/v1/metrics',
        logs_url_path: '/v1/logs',
        max_request_body_size: 20 * 1024 * 1024,
        max_concurrent_decodes: 4,
        response_timeout: 9000,
        include_metadata: false,
        read_header_timeout: 10_000,
        read_timeout: 30_000,
        write_timeout: 30_000,
        idle_timeout: 60_000,
        max_connections: 1000,
      },
    });
  });

  it('takes a protocol given as null (`grpc:` in YAML) as enabled with defaults, and leaves out the others', () => {
    const { cfg, issues } = check({ protocols: { grpc: null } });
    assert.deepEqual(issues, []);
    assert.deepEqual(Object.keys(resolveProtocols(cfg)), ['grpc']);
    assert.equal(resolveProtocols(cfg).grpc?.max_recv_msg_size_mib, 4);
    assert.deepEqual(Object.keys(resolveProtocols(check({ protocols: { http: {} } }).cfg)), ['http']);
  });

  it('reads 0 sizes as the defaults, as the Collector does, and adds a missing leading slash to paths', () => {
    const { cfg } = check({
      protocols: { grpc: { max_recv_msg_size_mib: 0 }, http: { max_request_body_size: 0, logs_url_path: 'logs' } },
    });
    const p = resolveProtocols(cfg);
    assert.equal(p.grpc?.max_recv_msg_size_mib, 4);
    assert.equal(p.http?.max_request_body_size, DEFAULT_MAX_REQUEST_BODY_SIZE);
    assert.equal(p.http?.logs_url_path, '/logs');
  });

  const refused: [string, unknown, RegExp][] = [
    ['no protocol at all', { protocols: {} }, /protocols/],
    ['an unknown protocol', { protocols: { thrift: {} } }, /thrift/],
    ['an unknown key', { protocols: { http: { endpoint: 'localhost:1', keepalive: {} } } }, /keepalive/],
    ['a bad endpoint', { protocols: { grpc: { endpoint: '4317' } } }, /protocols,grpc,endpoint/],
    [
      'tls without a certificate',
      { protocols: { http: { tls: { client_ca_file: '/ca.pem' } } } },
      /protocols,http,tls,cert_file/,
    ],
    ['auth without an authenticator', { protocols: { grpc: { auth: {} } } }, /authenticator/],
    [
      'two signals on one path',
      { protocols: { http: { traces_url_path: '/v1/x', logs_url_path: 'v1/x' } } },
      /logs_url_path/,
    ],
    [
      'grpc and http on one address',
      { protocols: { grpc: { endpoint: ':4000' }, http: { endpoint: ':4000' } } },
      /protocols,http,endpoint/,
    ],
    ['a negative body size', { protocols: { http: { max_request_body_size: -1 } } }, /max_request_body_size/],
    [
      'a body size of 2 GiB or more',
      { protocols: { http: { max_request_body_size: 2 ** 31 } } },
      /max_request_body_size: must be <= 2147483647/,
    ],
    [
      'cors origins that are not a list',
      { protocols: { http: { cors: { allowed_origins: 'https://x' } } } },
      /allowed_origins/,
    ],
    [
      'a header timeout above the request timeout',
      { protocols: { http: { read_header_timeout: '1m', read_timeout: '10s' } } },
      /protocols,http,read_header_timeout: .*cannot exceed read_timeout/,
    ],
    [
      'a write timeout that cuts the connection before the pipeline answers',
      { protocols: { http: { write_timeout: '5s', response_timeout: '9s' } } },
      /protocols,http,write_timeout: .*longer than response_timeout/,
    ],
    ['a timeout that is not a duration', { protocols: { http: { idle_timeout: 'soon' } } }, /idle_timeout/],
    ['a negative connection cap', { protocols: { http: { max_connections: -1 } } }, /max_connections/],
    [
      'no concurrent gRPC call at all',
      { protocols: { grpc: { max_concurrent_streams: 0 } } },
      /max_concurrent_streams/,
    ],
    [
      'an unknown keepalive key',
      { protocols: { grpc: { keepalive: { server_parameters: { max_connection_idel: '1m' } } } } },
      /max_connection_idel/,
    ],
  ];
  it("takes the Collector's keepalive.server_parameters as grpc-js options, and 0 timeouts as none", () => {
    const { cfg, issues } = check({
      protocols: {
        grpc: { keepalive: { server_parameters: { max_connection_idle: '1m', time: '30s', timeout: '5s' } } },
        http: { read_header_timeout: 0, read_timeout: 0, write_timeout: 0, idle_timeout: 0, max_connections: 0 },
      },
    });
    assert.deepEqual(issues, []);
    const p = resolveProtocols(cfg);
    assert.deepEqual(grpcServerOptions(p.grpc as GrpcServerLimits), {
      'grpc.max_concurrent_streams': 100,
      'grpc.max_connection_idle_ms': 60_000,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 5_000,
    });
    const o = httpServerOptions(p.http as HttpServerLimits);
    assert.deepEqual([o.headersTimeout, o.requestTimeout, o.keepAliveTimeout], [0, 0, 0]);
  });

  it('defaults cut a slow client off: headers within 10s, the request within 30s, checked at least every second', () => {
    const o = httpServerOptions(HTTP_SERVER_LIMIT_DEFAULTS);
    assert.deepEqual([o.headersTimeout, o.requestTimeout, o.keepAliveTimeout], [10_000, 30_000, 60_000]);
    assert.ok((o.connectionsCheckingInterval ?? Infinity) <= 1_000);
  });
  for (const [what, raw, where] of refused) {
    it(`refuses ${what}`, () => {
      const { issues } = check(raw);
      assert.ok(issues.length > 0, 'refused');
      assert.match(issues.map((i) => `${i.path.join(',')}: ${i.message}`).join('\n'), where);
    });
  }
});
