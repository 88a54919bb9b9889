import { MAX_TIMER_MS } from '../../config/duration.ts';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';
import { parseHostPort } from '../../core/net.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { tlsServerSchema, validateTlsServer } from '../../config/blocks/index.ts';
import type { TlsServerConfig } from '../../config/blocks/index.ts';
import {
  GRPC_SERVER_LIMIT_DEFAULTS,
  HTTP_SERVER_LIMIT_DEFAULTS,
  grpcServerLimitsProperties,
  httpServerLimitsProperties,
  validateGrpcServerLimits,
  validateHttpServerLimits,
} from '../../config/blocks/index.ts';
import type { GrpcServerLimits, HttpServerLimits } from '../../config/blocks/index.ts';

export const DEFAULT_GRPC_ENDPOINT = 'localhost:4317';
export const DEFAULT_HTTP_ENDPOINT = 'localhost:4318';
export const DEFAULT_MAX_RECV_MSG_SIZE_MIB = 4;
export const DEFAULT_MAX_REQUEST_BODY_SIZE = 20 * 1024 * 1024;
/**
 * HTTP requests read and decoded at once (decode-slots.ts). Decoding is synchronous, so more slots only let more
 * bodies arrive side by side; each may hold max_request_body_size and its decoded form: 4 keeps the worst case
 * (about 3 x 20 MiB each) inside the Helm chart's 512Mi.
 */
export const DEFAULT_MAX_CONCURRENT_DECODES = 4;
/**
 * How long a request may wait for the pipeline before it is answered 503 / UNAVAILABLE: just under the OpenTelemetry
 * SDKs' 10 s default export timeout, so such a client hears a retryable answer instead of timing out itself.
 */
export const DEFAULT_RESPONSE_TIMEOUT = '9s';
export const DEFAULT_RESPONSE_TIMEOUT_MS = 9_000;
export const DEFAULT_URL_PATHS: Readonly<Record<PipelineType, string>> = {
  traces: '/v1/traces',
  metrics: '/v1/metrics',
  logs: '/v1/logs',
};
// grpc-js takes the limit as a 32-bit int.
const MAX_RECV_MSG_SIZE_MIB = 2047;
// The same bound for HTTP bodies: the check of each protobuf request (otlp/proto-scan.ts) keeps offsets as 32-bit
// ints, and a body is held whole in memory besides.
const MAX_REQUEST_BODY_SIZE = 2 ** 31 - 1;

export interface AuthConfig {
  /** ID of a server authenticator extension, e.g. `bearertokenauth/x`. */
  authenticator: string;
}

export interface GrpcConfig extends GrpcServerLimits {
  endpoint: string;
  /** 0 means the default (4), as in the Collector. */
  max_recv_msg_size_mib: number;
  /** Milliseconds; 0: no server-side limit (the client's own deadline still applies). */
  response_timeout: number;
  /** Pass the call's metadata on with its data (ConsumeContext.metadata), as the Collector's include_metadata. */
  include_metadata: boolean;
  tls?: TlsServerConfig;
  auth?: AuthConfig;
}

export interface CorsConfig {
  /** Origins allowed to send, `*` wildcards allowed; CORS is off while empty. */
  allowed_origins: string[];
  /** Request headers allowed beyond the CORS-safelisted ones; `*` allows any. */
  allowed_headers: string[];
  /** Seconds a browser may cache a preflight answer; 0 leaves the header out. */
  max_age: number;
}

export interface HttpConfig extends HttpServerLimits {
  endpoint: string;
  traces_url_path: string;
  metrics_url_path: string;
  logs_url_path: string;
  /** Bytes, before and after decompression; 0 means the default (20 MiB), as in the Collector. */
  max_request_body_size: number;
  /** Requests whose bodies are read and decoded at once; the others wait (up to response_timeout, then 503). */
  max_concurrent_decodes: number;
  /** Milliseconds; 0: no limit (a client closing its connection still withdraws its request). */
  response_timeout: number;
  /** Pass the request's headers on with its data (ConsumeContext.metadata), as the Collector's include_metadata. */
  include_metadata: boolean;
  cors?: CorsConfig;
  tls?: TlsServerConfig;
  auth?: AuthConfig;
}

/** After schema validation. A protocol given as null (`grpc:` in YAML) is enabled with its defaults. */
export interface OtlpReceiverConfig {
  protocols: { grpc?: GrpcConfig | null; http?: HttpConfig | null };
}

/** The enabled protocols with every default filled in. */
export interface ResolvedProtocols {
  grpc?: GrpcConfig;
  http?: HttpConfig;
}

const authSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['authenticator'],
  properties: { authenticator: { type: 'string', minLength: 1 } },
};

const responseTimeout = { type: ['string', 'number'], duration: true, default: DEFAULT_RESPONSE_TIMEOUT };

const urlPath = (def: string) => ({ type: 'string', minLength: 1, default: def });

const grpcSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_GRPC_ENDPOINT },
    max_recv_msg_size_mib: {
      type: 'number',
      minimum: 0,
      maximum: MAX_RECV_MSG_SIZE_MIB,
      default: DEFAULT_MAX_RECV_MSG_SIZE_MIB,
    },
    response_timeout: responseTimeout,
    include_metadata: { type: 'boolean', default: false },
    ...grpcServerLimitsProperties,
    tls: tlsServerSchema,
    auth: authSchema,
  },
};

const corsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    allowed_origins: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    allowed_headers: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    max_age: { type: 'integer', minimum: 0, default: 0 },
  },
};

const httpSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    endpoint: { type: 'string', minLength: 1, default: DEFAULT_HTTP_ENDPOINT },
    traces_url_path: urlPath(DEFAULT_URL_PATHS.traces),
    metrics_url_path: urlPath(DEFAULT_URL_PATHS.metrics),
    logs_url_path: urlPath(DEFAULT_URL_PATHS.logs),
    max_request_body_size: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_REQUEST_BODY_SIZE,
      default: DEFAULT_MAX_REQUEST_BODY_SIZE,
    },
    max_concurrent_decodes: { type: 'integer', minimum: 1, default: DEFAULT_MAX_CONCURRENT_DECODES },
    response_timeout: responseTimeout,
    include_metadata: { type: 'boolean', default: false },
    ...httpServerLimitsProperties,
    cors: corsSchema,
    tls: tlsServerSchema,
    auth: authSchema,
  },
};

export const otlpConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // The Collector requires `protocols`; every built-in here must accept an empty config, so leaving it out
    // enables both. Listing none (`protocols: {}`) is still refused.
    protocols: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { grpc: grpcSchema, http: httpSchema },
      default: { grpc: {}, http: {} },
    },
  },
};

/** The Collector adds a missing leading slash rather than refusing the path. */
export function normalizeUrlPath(p: string): string {
  return p.startsWith('/') ? p : `/${p}`;
}

export function resolveProtocols(cfg: OtlpReceiverConfig): ResolvedProtocols {
  const out: ResolvedProtocols = {};
  const { grpc, http } = cfg.protocols;
  if (grpc !== undefined) {
    out.grpc = {
      endpoint: DEFAULT_GRPC_ENDPOINT,
      max_recv_msg_size_mib: DEFAULT_MAX_RECV_MSG_SIZE_MIB,
      response_timeout: DEFAULT_RESPONSE_TIMEOUT_MS,
      include_metadata: false,
      ...GRPC_SERVER_LIMIT_DEFAULTS,
      ...grpc,
    };
    if (!(out.grpc.max_recv_msg_size_mib > 0)) out.grpc.max_recv_msg_size_mib = DEFAULT_MAX_RECV_MSG_SIZE_MIB;
  }
  if (http !== undefined) {
    const h: HttpConfig = {
      endpoint: DEFAULT_HTTP_ENDPOINT,
      traces_url_path: DEFAULT_URL_PATHS.traces,
      metrics_url_path: DEFAULT_URL_PATHS.metrics,
      logs_url_path: DEFAULT_URL_PATHS.logs,
      max_request_body_size: DEFAULT_MAX_REQUEST_BODY_SIZE,
      max_concurrent_decodes: DEFAULT_MAX_CONCURRENT_DECODES,
      response_timeout: DEFAULT_RESPONSE_TIMEOUT_MS,
      include_metadata: false,
      ...HTTP_SERVER_LIMIT_DEFAULTS,
      ...http,
    };
    h.traces_url_path = normalizeUrlPath(h.traces_url_path);
    h.metrics_url_path = normalizeUrlPath(h.metrics_url_path);
    h.logs_url_path = normalizeUrlPath(h.logs_url_path);
    if (!(h.max_request_body_size > 0)) h.max_request_body_size = DEFAULT_MAX_REQUEST_BODY_SIZE;
    out.http = h;
  }
  return out;
}

function endpointIssues(path: string[], endpoint: string): ConfigIssue[] {
  try {
    parseHostPort(endpoint);
    return [];
  } catch (err) {
    return [{ path, message: (err as Error).message }];
  }
}

const under = (prefix: (string | number)[], issues: ConfigIssue[]): ConfigIssue[] =>
  issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message }));

export function validateOtlpConfig(cfg: OtlpReceiverConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { grpc, http } = resolveProtocols(cfg);
  if (grpc) {
    issues.push(...endpointIssues(['protocols', 'grpc', 'endpoint'], grpc.endpoint));
    if (grpc.tls) issues.push(...under(['protocols', 'grpc', 'tls'], validateTlsServer(grpc.tls)));
    issues.push(...under(['protocols', 'grpc'], validateGrpcServerLimits(grpc)));
  }
  if (http) {
    issues.push(...endpointIssues(['protocols', 'http', 'endpoint'], http.endpoint));
    if (http.tls) issues.push(...under(['protocols', 'http', 'tls'], validateTlsServer(http.tls)));
    issues.push(...under(['protocols', 'http'], validateHttpServerLimits(http, http.response_timeout)));
    const seen = new Map<string, string>();
    for (const key of ['traces_url_path', 'metrics_url_path', 'logs_url_path'] as const) {
      const other = seen.get(http[key]);
      if (other)
        issues.push({
          path: ['protocols', 'http', key],
          message: `${key} is the same path as ${other} ("${http[key]}")`,
        });
      seen.set(http[key], key);
    }
  }
  for (const [name, p] of [
    ['grpc', grpc],
    ['http', http],
  ] as const) {
    // As in batch: the duration keyword is expected to refuse these, but a bad timer would answer every request at once.
    if (p && !(p.response_timeout >= 0 && p.response_timeout <= MAX_TIMER_MS)) {
      issues.push({
        path: ['protocols', name, 'response_timeout'],
        message: `must be a duration from 0 to ${MAX_TIMER_MS}ms, got ${String(p.response_timeout)}`,
      });
    }
  }
  if (grpc && http && sameAddress(grpc.endpoint, http.endpoint)) {
    issues.push({
      path: ['protocols', 'http', 'endpoint'],
      message: `grpc and http cannot both listen on ${http.endpoint}`,
    });
  }
  return issues;
}

function sameAddress(a: string, b: string): boolean {
  try {
    const x = parseHostPort(a);
    const y = parseHostPort(b);
    return x.port !== 0 && x.port === y.port && x.host === y.host;
  } catch {
    return false;
  }
}
