// For tests: an independent reading of what went on the wire. protobufjs loads the official .proto files (the
// copy @elastic/mockotlpserver ships) and decodes a request; the result is compared with what was sent after
// both are brought to one canonical form (numbers and 64-bit values as strings, bytes as hex, defaults left out),
// guided by the reference schema. A field the reference schema does not know (it is older than ours) is reported
// rather than compared.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import type { PipelineType } from '../../core/pdata/index.ts';

const PROTO_DIR = dirname(createRequire(import.meta.url).resolve('@elastic/mockotlpserver/package.json'));

const REQUEST: Record<PipelineType, { file: string; type: string }> = {
  traces: {
    file: 'trace/v1/trace_service.proto',
    type: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  },
  metrics: {
    file: 'metrics/v1/metrics_service.proto',
    type: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  },
  logs: { file: 'logs/v1/logs_service.proto', type: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest' },
};

let root: protobuf.Root | undefined;

function requestType(signal: PipelineType): protobuf.Type {
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    root.loadSync(Object.values(REQUEST).map((r) => `opentelemetry/proto/collector/${r.file}`));
    root.resolveAll();
  }
  return root.lookupType(REQUEST[signal].type);
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === '' ||
  v === '0' ||
  v === 'false' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

function canon(v: unknown, type: protobuf.Type | undefined, unknown: Set<string>): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map((x) => canon(x, type, unknown));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const field = type?.fields[k];
    if (type && !field) {
      if (!isEmpty(canon(x, undefined, new Set()))) unknown.add(`${type.name}.${k}`);
      continue;
    }
    const c = canon(x, field?.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined, unknown);
    if (!isEmpty(c)) out[k] = c;
  }
  return out;
}

/** Decodes `bytes` with the reference schema. */
export function referenceDecode(signal: PipelineType, bytes: Uint8Array): Record<string, unknown> {
  const t = requestType(signal);
  return t.toObject(t.decode(bytes), { longs: String, enums: Number, defaults: false, arrays: true, oneofs: false });
}

/**
 * Asserts that the reference decoder reads `bytes` as `expected` (pdata). Returns the fields of `expected` the
 * reference schema does not have, for the caller to check against what it knows is newer.
 */
export function assertMatchesReference(signal: PipelineType, bytes: Uint8Array, expected: unknown): string[] {
  const t = requestType(signal);
  const unknown = new Set<string>();
  const want = canon(expected, t, unknown);
  const got = canon(referenceDecode(signal, bytes), t, new Set());
  assert.deepEqual(got, want);
  return [...unknown].sort();
}
