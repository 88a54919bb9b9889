// What we encode, an independent decoder reads the same: protobufjs with the opentelemetry-proto .proto files that
// @elastic/mockotlpserver ships (loaded from node_modules at test time), field by field, and the other way round.
import assert from 'node:assert/strict';
import { OTLP_SAMPLES } from '../test/helpers/otlp-samples.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import type { Logs, PipelineType, SignalDataMap, Traces } from '../core/pdata/index.ts';
import { cloneData, encodedForm, itemCount } from '../core/pdata/index.ts';
import type { Shape } from '../core/pdata/split.ts';
import { LOGS, METRICS, TRACES, mergeData, splitData } from '../core/pdata/split.ts';
import { scanRequest } from './proto-scan.ts';
import { sampleLogs, sampleTraces } from '../test/helpers/sample-data.ts';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeRequestChunks,
  encodeResponse,
  receiveRequest,
} from './index.ts';
import { edgeLogs } from '../test/helpers/otlp-edge-cases.ts';

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

const ALL = OTLP_SAMPLES;

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

const SHAPES = { traces: TRACES, metrics: METRICS, logs: LOGS };

describe('requests passed through as bytes, merged by concatenation', () => {
  const decodeTheirs = (signal: PipelineType, bytes: Uint8Array) =>
    requestType(signal).toObject(requestType(signal).decode(Uint8Array.from(bytes)), { arrays: true });
  let seed = 11;
  const random = (): number => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const makers = ALL.filter(([s]) => s === signal).map(([, make]) => make as () => SignalDataMap[typeof signal]);
    it(`equal decode-merge-encode for ${signal}, read by protobufjs and by us (random lists of requests)`, () => {
      for (let round = 0; round < 20; round++) {
        const list = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
          makers[Math.floor(random() * makers.length)]!(),
        );
        const received = list.map((d) => receiveRequest(signal, encodeRequest(signal, d)));
        const merged = mergeData(signal, received);
        assert.ok(encodedForm(merged), 'still bytes after the merge');
        assert.equal(
          itemCount(signal, merged),
          list.reduce((n, d) => n + itemCount(signal, d), 0),
        );
        // Held as the received requests, not joined: laid end to end they are the request.
        const chunks = encodeRequestChunks(signal, merged);
        assert.equal(chunks.length, list.length);
        // A merge of merges keeps one flat list of the received requests.
        const twice = mergeData(signal, [merged, receiveRequest(signal, encodeRequest(signal, list[0]!))]);
        assert.equal(encodeRequestChunks(signal, twice).length, list.length + 1);
        const bytes = encodeRequest(signal, merged);
        assert.deepStrictEqual(Buffer.concat(chunks), Buffer.from(bytes));
        // Joined once something read the bytes: the pieces are let go, not held beside the copy.
        assert.deepStrictEqual(encodeRequestChunks(signal, merged), [bytes]);
        assert.deepStrictEqual(Buffer.from(encodeRequest(signal, twice)), Buffer.concat([...chunks, chunks[0]!]));
        const reference = encodeRequest(signal, mergeData(signal, list));
        assert.deepStrictEqual(decodeTheirs(signal, bytes), decodeTheirs(signal, reference), `round ${round}`);
        assert.deepStrictEqual(decodeRequest(signal, bytes), mergeData(signal, list), `round ${round}`);
      }
    });
  }

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    it(`cuts ${signal} as bytes into the pieces splitData cuts the objects into (random lists, random sizes)`, () => {
      const shape = SHAPES[signal] as Shape<SignalDataMap[typeof signal], object, object, unknown>;
      /** Each item with copies of its resource and scope (without their children). */
      const flat = (d: SignalDataMap[typeof signal]) =>
        shape
          .resources(d)
          .flatMap((r) =>
            shape
              .scopes(r)
              .flatMap((sc) => shape.leaves(sc).map((l) => [shape.copyResource(r), shape.copyScope(sc), l])),
          );
      const makers = ALL.filter(([s]) => s === signal).map(([, make]) => make as () => SignalDataMap[typeof signal]);
      for (let round = 0; round < 20; round++) {
        const list = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
          makers[Math.floor(random() * makers.length)]!(),
        );
        const objects = mergeData(signal, list);
        const total = itemCount(signal, objects);
        const max = 1 + Math.floor(random() * Math.max(1, total - 1));
        const merged = mergeData(
          signal,
          list.map((d) => receiveRequest(signal, encodeRequest(signal, d))),
        );
        const pieces = splitData(signal, merged, max);
        const expected = splitData(
          signal,
          mergeData(
            signal,
            list.map((d) => structuredClone(d)),
          ),
          max,
        );
        assert.equal(pieces.length, expected.length, `round ${round}: ${total} items by ${max}`);
        assert.ok(
          pieces.every((p) => encodedForm(p)),
          'the pieces are still bytes',
        );
        pieces.forEach((piece, i) => {
          assert.equal(itemCount(signal, piece), itemCount(signal, expected[i]!), `piece ${i}: items`);
          const bytes = encodeRequest(signal, piece);
          assert.equal(scanRequest(signal, bytes).items, itemCount(signal, piece), `piece ${i}: counted`);
          assert.deepStrictEqual(flat(decodeRequest(signal, bytes)), flat(expected[i]!), `round ${round} piece ${i}`);
          // protobufjs reads the piece too.
          decodeTheirs(signal, bytes);
        });
      }
    });
  }

  it('keeps what fits as the same bytes', () => {
    const merged = receiveRequest('traces', encodeRequest('traces', sampleTraces()));
    const [whole, ...none] = splitData('traces', merged, itemCount('traces', merged));
    assert.equal(whole, merged);
    assert.equal(none.length, 0);
    assert.ok(encodedForm(merged));
  });

  it('merges bytes with decoded data by decoding', () => {
    const a = receiveRequest('logs', encodeRequest('logs', sampleLogs()));
    const b = receiveRequest('logs', encodeRequest('logs', edgeLogs()));
    assert.ok(b.resourceLogs.length > 0);
    const merged = mergeData('logs', [a, b]);
    assert.equal(encodedForm(merged), undefined);
    assert.deepStrictEqual(merged, mergeData('logs', [sampleLogs(), edgeLogs()]));
  });

  it('copies bytes as bytes: a copy changed by a processor leaves the original as it came', () => {
    const bytes = encodeRequest('traces', sampleTraces());
    const original = receiveRequest('traces', bytes);
    const copy = cloneData(original);
    copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'changed';
    assert.equal(encodeRequest('traces', original), bytes);
  });
});
