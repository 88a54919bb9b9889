// What we encode, an independent decoder reads the same: protobufjs with the opentelemetry-proto .proto files that
// @elastic/mockotlpserver ships (loaded from node_modules at test time), field by field, and the other way round.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import type { Logs, PipelineType, SignalDataMap, Traces } from '../core/pdata/index.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../test/helpers/sample-data.ts';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './index.ts';
import { edgeLogs, edgeMetrics, edgeTraces } from '../test/helpers/otlp-edge-cases.ts';

const protoDir = path.dirname(createRequire(import.meta.url).resolve('@elastic/mockotlpserver/package.json'));
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoDir, target);
root.loadSync(
  ['traces', 'metrics', 'logs'].map(
    (s) =>
      `opentelemetry/proto/collector/${s === 'traces' ? 'trace' : s}/v1/${s === 'traces' ? 'trace' : s}_service.proto`,
  ),
);

const PACKAGE: Record<PipelineType, [string, string]> = {
  traces: ['opentelemetry.proto.collector.trace.v1', 'Trace'],
  metrics: ['opentelemetry.proto.collector.metrics.v1', 'Metrics'],
  logs: ['opentelemetry.proto.collector.logs.v1', 'Logs'],
};
const requestType = (s: PipelineType) => root.lookupType(`${PACKAGE[s][0]}.Export${PACKAGE[s][1]}ServiceRequest`);
const responseType = (s: PipelineType) => root.lookupType(`${PACKAGE[s][0]}.Export${PACKAGE[s][1]}ServiceResponse`);
const REJECTED: Record<PipelineType, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

// Fields newer than the .proto files this package ships: to protobufjs they are unknown, so they are left out of the
// comparison (event_name is proven against the official serializer in sdk-logs.test.ts).
const NEWER_THAN_PROTOS = ['eventName', 'entityRefs'];

/** protobufjs's 64-bit values are Long objects (low, high, unsigned). */
function isLong(v: unknown): v is { toString(): string } {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v && 'unsigned' in v;
}

function toBigInt(v: unknown): bigint | undefined {
  if (isLong(v)) return BigInt(v.toString());
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
}

/** Ours (pdata) against theirs (protobufjs toObject, Longs kept): same keys, same values, Long compared as bigint. */
function same(ours: unknown, theirs: unknown, at: string): void {
  if (typeof ours === 'bigint') return assert.equal(toBigInt(theirs), ours, at);
  if (typeof ours === 'number') {
    // Counts are numbers in pdata and fixed64 (a Long) in protobufjs.
    if (isLong(theirs)) return assert.equal(BigInt(ours), toBigInt(theirs), at);
    return assert.ok(Object.is(ours, theirs), `${at}: ours ${ours}, theirs ${String(theirs)}`);
  }
  if (ours instanceof Uint8Array) {
    assert.ok(theirs instanceof Uint8Array, `${at}: bytes`);
    return assert.equal(Buffer.from(theirs).toString('hex'), Buffer.from(ours).toString('hex'), at);
  }
  if (Array.isArray(ours)) {
    assert.ok(Array.isArray(theirs), `${at}: array`);
    assert.equal(theirs.length, ours.length, `${at}.length`);
    ours.forEach((x, i) => same(x, theirs[i], `${at}[${i}]`));
    return;
  }
  if (typeof ours === 'object' && ours !== null) {
    assert.ok(typeof theirs === 'object' && theirs !== null, `${at}: object`);
    const o = ours as Record<string, unknown>;
    const t = theirs as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => !NEWER_THAN_PROTOS.includes(k));
    // protobufjs gives an unset message field as null; pdata leaves it out.
    const theirKeys = Object.keys(t).filter((k) => t[k] !== null);
    assert.deepEqual(theirKeys.sort(), keys.sort(), `${at}: fields`);
    for (const k of keys) same(o[k], t[k], `${at}.${k}`);
    return;
  }
  assert.equal(theirs, ours, at);
}

/** Our data as protobufjs, which does not know the newer fields, can give it back. */
function withoutNewerFields<S extends PipelineType>(signal: S, data: SignalDataMap[S]): SignalDataMap[S] {
  const copy = structuredClone(data);
  const resources =
    signal === 'traces'
      ? (copy as Traces).resourceSpans
      : signal === 'logs'
        ? (copy as Logs).resourceLogs
        : (copy as SignalDataMap['metrics']).resourceMetrics;
  for (const r of resources) delete r.resource.entityRefs;
  if (signal === 'logs')
    for (const rl of (copy as Logs).resourceLogs)
      for (const sl of rl.scopeLogs) for (const rec of sl.logRecords) rec.eventName = '';
  return copy;
}

type Sample = { [S in PipelineType]: [S, () => SignalDataMap[S]] }[PipelineType];
const ALL: Sample[] = [
  ['traces', sampleTraces],
  ['metrics', sampleMetrics],
  ['logs', sampleLogs],
  ['traces', edgeTraces],
  ['metrics', edgeMetrics],
  ['logs', edgeLogs],
];

describe('encodeRequest → protobufjs with the opentelemetry-proto files', () => {
  it('really lacks the newer fields it is excused from', () => {
    assert.equal(root.lookupType('opentelemetry.proto.logs.v1.LogRecord').fields.eventName, undefined);
    assert.equal(root.lookupType('opentelemetry.proto.resource.v1.Resource').fields.entityRefs, undefined);
    assert.ok(root.lookupType('opentelemetry.proto.metrics.v1.Metric').fields.metadata, 'Metric.metadata is checked');
  });

  for (const [signal, make] of ALL) {
    it(`reads every field of ${signal} (${make.name}) as we wrote it`, () => {
      const type = requestType(signal);
      const theirs = type.toObject(type.decode(encodeRequest(signal, make())), {
        defaults: true,
        arrays: true,
        objects: true,
      });
      same(make(), theirs, signal);
    });

    it(`gives back ${signal} (${make.name}) that decodeRequest reads from protobufjs's encoding`, () => {
      const type = requestType(signal);
      const reencoded = type.encode(type.decode(encodeRequest(signal, make()))).finish();
      assert.deepStrictEqual(decodeRequest(signal, reencoded), withoutNewerFields(signal, make()));
    });
  }

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    it(`agrees on ${signal} responses both ways`, () => {
      const type = responseType(signal);
      const theirs = type.toObject(
        type.decode(encodeResponse(signal, { rejected: 2 ** 40 + 1, errorMessage: 'partly' })),
      );
      const ps = theirs.partialSuccess as Record<string, unknown>;
      assert.equal(toBigInt(ps[REJECTED[signal]]), 2n ** 40n + 1n);
      assert.equal(ps.errorMessage, 'partly');
      assert.deepEqual(type.toObject(type.decode(encodeResponse(signal))), {});
      const bytes = type
        .encode(type.fromObject({ partialSuccess: { [REJECTED[signal]]: 12, errorMessage: 'e' } }))
        .finish();
      assert.deepStrictEqual(decodeResponse(signal, bytes), { rejected: 12, errorMessage: 'e' });
    });
  }
});
