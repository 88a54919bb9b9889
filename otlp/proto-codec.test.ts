import assert from 'node:assert/strict';
import { rng } from '../test/helpers/otlp-samples.ts';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import type { AnyValue, Logs, PipelineType, SignalDataMap, Traces } from '../core/pdata/index.ts';
import { fromHex } from '../core/pdata/index.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../test/helpers/sample-data.ts';
import { OtlpDecodeError, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './index.ts';
import { writeKeyValues } from './proto-common.ts';
import { newWriter } from './proto-write.ts';
import { edgeLogs, edgeMetrics, edgeTraces } from '../test/helpers/otlp-edge-cases.ts';

type Sample = { [S in PipelineType]: [S, () => SignalDataMap[S]] }[PipelineType];
const SAMPLES: Sample[] = [
  ['traces', sampleTraces],
  ['metrics', sampleMetrics],
  ['logs', sampleLogs],
];
const EDGES: Sample[] = [
  ['traces', edgeTraces],
  ['metrics', edgeMetrics],
  ['logs', edgeLogs],
];
const SIGNALS: PipelineType[] = ['traces', 'metrics', 'logs'];

function roundTrip<S extends PipelineType>(signal: S, data: SignalDataMap[S]): SignalDataMap[S] {
  return decodeRequest(signal, encodeRequest(signal, data));
}

function throwsDecodeError(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(err)}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const w = () => protobuf.Writer.create();
const tag = (field: number, wireType: number) => (field << 3) | wireType;

describe('OTLP/protobuf requests', () => {
  for (const [signal, make] of [...SAMPLES, ...EDGES]) {
    it(`round-trips ${signal} (${make.name}) exactly`, () => {
      assert.deepStrictEqual(roundTrip(signal, make()), make());
    });
  }

  it('encodes the same bytes whatever size the caller expects, each encoding in a buffer of its own', () => {
    const big = sampleTraces();
    const spans = big.resourceSpans[0]!.scopeSpans[0]!.spans;
    for (let i = 0; i < 8; i++) spans.push(...spans.map((s) => ({ ...s, name: `${s.name}-${i}` })));
    const plain = Buffer.from(encodeRequest('traces', big));
    // Far too little room (doubled from there), about right, far too much (left unused).
    const guesses = [1, 200, plain.length, plain.length * 4].map((n) => encodeRequest('traces', big, n));
    for (const bytes of guesses) assert.ok(plain.equals(bytes));
    // Writing one does not touch another.
    guesses[2]!.fill(0);
    assert.ok(plain.equals(guesses[3]!));
    assert.deepStrictEqual(decodeRequest('traces', guesses[3]!), big);
  });

  it('writes strings byte for byte as protobufjs does: short, long, ASCII or not, at the end of the buffer', () => {
    const strings = ['', 'a', 'messaging.system', 'x'.repeat(127), 'x'.repeat(128), 'é', `${'x'.repeat(126)}é`];
    strings.push('日本語', 'ok 😀', `${'y'.repeat(40)}😀`, 'z'.repeat(300), `tail ${'é'.repeat(50)}`);
    const ours = newWriter();
    const theirs = protobuf.Writer.create();
    // Many times over: the buffer grows from 128 bytes, so strings land right at its end too.
    for (let i = 0; i < 40; i++) {
      for (const s of strings) {
        ours.string(s).uint32(i);
        theirs.string(s).uint32(i);
      }
    }
    assert.ok(Buffer.from(theirs.finish()).equals(ours.finish()));
  });

  it('writes attributes byte for byte as nested messages: short ones in one pass, the rest as before', () => {
    const long = 'v'.repeat(121);
    const strings: [string, string][] = [
      ['k', ''],
      ['', 'empty key'],
      ['messaging.system', 'mqtt'],
      ['k', long],
    ];
    strings.push(['kk', long], ['ké', 'v'], ['k', 'vé'], ['k', 'lone \ud800'], ['x'.repeat(60), 'y'.repeat(61)]);
    const scalars: [string, boolean | bigint][] = [
      ['b', true],
      ['b', false],
      ['messaging.mqtt.qos', 0n],
      ['size', 127n],
      ['size', 128n],
      ['size', -1n],
      ['x'.repeat(121), true],
      ['x'.repeat(122), 5n],
    ];
    const kvs = [
      ...strings.map(([key, stringValue]) => ({ key, value: { stringValue } })),
      ...scalars.map(([key, v]) => ({ key, value: typeof v === 'boolean' ? { boolValue: v } : { intValue: v } })),
    ];
    const ours = newWriter();
    const theirs = protobuf.Writer.create();
    for (let i = 0; i < 30; i++) {
      // Field 9 (a span's attributes) and 16, whose tag takes two bytes; many times over, to reach the buffer's end.
      for (const field of [9, 16]) {
        writeKeyValues(ours, field, kvs);
        for (const [key, value] of [...strings, ...scalars]) {
          theirs.uint32((field << 3) | 2).fork();
          if (key !== '') theirs.uint32(10).string(key);
          theirs.uint32(18).fork();
          if (typeof value === 'string') theirs.uint32(10).string(value.toWellFormed());
          else if (typeof value === 'boolean') theirs.uint32(16).bool(value);
          else theirs.uint32(24).int64(Number(value));
          theirs.ldelim().ldelim();
        }
      }
    }
    assert.ok(Buffer.from(theirs.finish()).equals(ours.finish()));
  });

  it('encodes nothing for empty data and decodes empty bytes as empty data', () => {
    assert.equal(encodeRequest('traces', { resourceSpans: [] }).length, 0);
    assert.deepStrictEqual(decodeRequest('traces', new Uint8Array(0)), { resourceSpans: [] });
    assert.deepStrictEqual(decodeRequest('metrics', new Uint8Array(0)), { resourceMetrics: [] });
    assert.deepStrictEqual(decodeRequest('logs', new Uint8Array(0)), { resourceLogs: [] });
  });

  it('keeps int64 extremes, fixed64 timestamps near 2^64 and explicit-presence zeros', () => {
    const t = roundTrip('traces', edgeTraces());
    const s = t.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(s.endTimeUnixNano, 2n ** 64n - 1n);
    assert.deepStrictEqual(
      s.attributes.slice(0, 2).map((kv) => kv.value),
      [{ intValue: -(2n ** 63n) }, { intValue: 2n ** 63n - 1n }],
    );
    const m = roundTrip('metrics', edgeMetrics()).resourceMetrics[1]!.scopeMetrics[0]!.metrics;
    const ints = m[0]!.gauge!.dataPoints;
    assert.deepStrictEqual(
      ints.map((p) => p.asInt),
      [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n],
    );
    assert.deepStrictEqual(
      ints[3]!.exemplars.map((e) => e.asInt),
      [-(2n ** 63n), 2n ** 63n - 1n, 0n, undefined],
    );
    const doubles = m[1]!.sum!.dataPoints;
    assert.ok(Object.is(doubles[1]!.asDouble, -0));
    assert.equal('asDouble' in doubles[4]! || 'asInt' in doubles[4]!, false, 'a point with no value stays without one');
    const [h1, h2] = m[2]!.histogram!.dataPoints;
    assert.equal('sum' in h1! || 'min' in h1! || 'max' in h1!, false);
    assert.deepStrictEqual([h2!.sum, h2!.min, h2!.max], [0, -0, 0]);
  });

  it('reads bytes values and IDs into fresh arrays that do not alias the input', () => {
    const bytes = encodeRequest('traces', sampleTraces());
    // Decoding from a view at an offset inside a larger buffer.
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    const view = big.subarray(3, 3 + bytes.length);
    const decoded = decodeRequest('traces', view);
    assert.deepStrictEqual(decoded, sampleTraces());
    big.fill(0);
    assert.deepStrictEqual(decoded, sampleTraces());
    const id = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
    assert.equal(Object.getPrototypeOf(id), Uint8Array.prototype);
  });

  it('ignores unknown fields of every wire type, at every level', () => {
    const unknown = (x: protobuf.Writer) =>
      x
        .uint32(tag(900, 0))
        .uint64(2 ** 40)
        .uint32(tag(901, 1))
        .fixed64(7)
        .uint32(tag(902, 2))
        .string('future')
        .uint32(tag(903, 5))
        .fixed32(9)
        .uint32(tag(904, 3))
        .uint32(tag(1, 0))
        .uint32(5)
        .uint32(tag(904, 4));
    const spanBytes = unknown(w().uint32(tag(5, 2)).string('op').uint32(tag(15, 2)).fork().uint32(tag(3, 0)).uint32(2))
      .uint32(tag(99, 2))
      .fork();
    unknown(spanBytes).ldelim().ldelim();
    const req = unknown(w());
    req.uint32(tag(1, 2)).fork(); // ResourceSpans
    unknown(req);
    req.uint32(tag(1, 2)).fork(); // Resource
    unknown(req).ldelim();
    req.uint32(tag(2, 2)).fork(); // ScopeSpans
    unknown(req).uint32(tag(2, 2)).bytes(spanBytes.finish()).ldelim();
    req.ldelim();
    const t = decodeRequest('traces', req.finish());
    const s = t.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(s.name, 'op');
    assert.deepStrictEqual(s.status, { code: 2, message: '' });
    assert.deepStrictEqual(t.resourceSpans[0]!.resource, { attributes: [], droppedAttributesCount: 0 });
  });

  it('accepts repeated scalars unpacked as well as packed', () => {
    const point = w()
      .uint32(tag(4, 1))
      .fixed64(3)
      .uint32(tag(6, 1))
      .fixed64(1)
      .uint32(tag(6, 1))
      .fixed64(2)
      .uint32(tag(7, 1))
      .double(0.5)
      .uint32(tag(6, 2))
      .fork()
      .fixed64(3)
      .ldelim()
      .finish();
    const buckets = w()
      .uint32(tag(2, 0))
      .uint64(4)
      .uint32(tag(2, 0))
      .uint64(2 ** 33)
      .uint32(tag(1, 0))
      .sint32(-3)
      .finish();
    const exp = w().uint32(tag(8, 2)).bytes(buckets).finish();
    const metricBytes = (field: number, p: Uint8Array) =>
      w().uint32(tag(1, 2)).string('m').uint32(tag(field, 2)).fork().uint32(tag(1, 2)).bytes(p).ldelim().finish();
    const req = (m: Uint8Array) =>
      w().uint32(tag(1, 2)).fork().uint32(tag(2, 2)).fork().uint32(tag(2, 2)).bytes(m).ldelim().ldelim().finish();
    const h = decodeRequest('metrics', req(metricBytes(9, point))).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!
      .histogram!;
    assert.deepStrictEqual(h.dataPoints[0]!.bucketCounts, [1, 2, 3]);
    assert.deepStrictEqual(h.dataPoints[0]!.explicitBounds, [0.5]);
    const e = decodeRequest('metrics', req(metricBytes(10, exp))).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!
      .exponentialHistogram!;
    assert.deepStrictEqual(e.dataPoints[0]!.positive, { offset: -3, bucketCounts: [4, 2 ** 33] });
  });

  it('puts entity_refs, which the reference .proto files predate, at the spec numbers', () => {
    // Resource.entity_refs = 3; EntityRef: schema_url = 1, type = 2, id_keys = 3, description_keys = 4.
    const ref = w()
      .uint32(tag(1, 2))
      .string('s')
      .uint32(tag(2, 2))
      .string('host')
      .uint32(tag(3, 2))
      .string('host.id')
      .uint32(tag(4, 2))
      .string('host.name')
      .uint32(tag(4, 2))
      .string('os')
      .finish();
    const resource = w().uint32(tag(3, 2)).bytes(ref).finish();
    const req = w().uint32(tag(1, 2)).fork().uint32(tag(1, 2)).bytes(resource).ldelim().finish();
    const want = {
      attributes: [],
      droppedAttributesCount: 0,
      entityRefs: [{ schemaUrl: 's', type: 'host', idKeys: ['host.id'], descriptionKeys: ['host.name', 'os'] }],
    };
    assert.deepStrictEqual(decodeRequest('traces', req).resourceSpans[0]!.resource, want);
    assert.deepStrictEqual(
      Buffer.from(encodeRequest('traces', { resourceSpans: [{ resource: want, scopeSpans: [], schemaUrl: '' }] })),
      Buffer.from(req),
    );
  });

  it('lets the last member of a oneof win', () => {
    const value = w().uint32(tag(1, 2)).string('first').uint32(tag(3, 0)).int64(-5).finish();
    const kv = w().uint32(tag(1, 2)).string('k').uint32(tag(2, 2)).bytes(value).finish();
    const rec = w().uint32(tag(6, 2)).bytes(kv).finish();
    const req = w()
      .uint32(tag(1, 2))
      .fork()
      .uint32(tag(2, 2))
      .fork()
      .uint32(tag(2, 2))
      .bytes(rec)
      .ldelim()
      .ldelim()
      .finish();
    const attr = decodeRequest('logs', req).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes[0]!;
    assert.deepStrictEqual(attr, { key: 'k', value: { intValue: -5n } });
  });

  it('limits AnyValue nesting to 100 levels', () => {
    const nested = (depth: number): AnyValue =>
      depth === 0 ? { intValue: 1n } : { arrayValue: { values: [nested(depth - 1)] } };
    const logsWith = (body: AnyValue): Logs => ({
      resourceLogs: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [
                {
                  timeUnixNano: 0n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 0,
                  severityText: '',
                  body,
                  attributes: [],
                  droppedAttributesCount: 0,
                  flags: 0,
                  traceId: new Uint8Array(0),
                  spanId: new Uint8Array(0),
                  eventName: '',
                },
              ],
            },
          ],
        },
      ],
    });
    assert.deepStrictEqual(roundTrip('logs', logsWith(nested(100))), logsWith(nested(100)));
    throwsDecodeError(() => roundTrip('logs', logsWith(nested(101))), /nested deeper than 100/);
  });
});

describe('OTLP/protobuf malformed input', () => {
  for (const [signal, make] of SAMPLES) {
    it(`throws OtlpDecodeError for every truncation of a ${signal} request`, () => {
      const bytes = encodeRequest(signal, make());
      for (let n = 1; n < bytes.length; n++) throwsDecodeError(() => decodeRequest(signal, bytes.subarray(0, n)));
    });
  }

  const cases: [string, number[], RegExp][] = [
    ['an invalid wire type', [0x0e], /wire type 6/],
    ['wire type 7', [0x0f, 0x00], /wire type 7/],
    ['field number 0', [0x00, 0x01], /field number 0/],
    ['a known field with the wrong wire type', [0x08, 0x01], /field 1 has wire type 0, expected 2/],
    ['a length past the end', [0x0a, 0x05, 0x00], /./],
    ['a child running past its parent', [0x0a, 0x02, 0x0a, 0x05, 0, 0, 0, 0, 0], /runs past/],
    // ResourceSpans { Resource { dropped_attributes_count: an 11-byte varint } }
    ['a varint longer than 10 bytes', [0x0a, 14, 0x0a, 12, 0x10, ...Array<number>(10).fill(0xff), 0x01], /varint/],
    ['an unterminated group', [0x2b, 0x08, 0x01], /./],
    ['a mismatched group end', [0x2b, 0x34], /end group/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`throws OtlpDecodeError for ${what}`, () => {
      for (const signal of SIGNALS) throwsDecodeError(() => decodeRequest(signal, Uint8Array.from(bytes)), message);
    });
  }

  it('refuses trace and span IDs of the wrong length, as the Collector does', () => {
    const span = (id: number[]) => w().uint32(tag(1, 2)).bytes(Uint8Array.from(id)).finish();
    const req = (s: Uint8Array) =>
      w().uint32(tag(1, 2)).fork().uint32(tag(2, 2)).fork().uint32(tag(2, 2)).bytes(s).ldelim().ldelim().finish();
    throwsDecodeError(() => decodeRequest('traces', req(span([1, 2, 3]))), /expected 16/);
    assert.deepStrictEqual(
      decodeRequest('traces', req(span([]))).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId,
      new Uint8Array(0),
    );
    assert.deepStrictEqual(
      decodeRequest('traces', req(span(Array<number>(16).fill(7)))).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId,
      fromHex('07'.repeat(16)),
    );
  });

  it('never throws anything but OtlpDecodeError on random bytes or corrupted requests', () => {
    const random = rng(42);
    const valid = [...SAMPLES, ...EDGES].map(([signal, make]) => [signal, encodeRequest(signal, make())] as const);
    let decodedSome = 0;
    for (let i = 0; i < 3000; i++) {
      let bytes: Uint8Array;
      const signal = SIGNALS[i % 3]!;
      if (i % 2 === 0) {
        bytes = new Uint8Array(Math.floor(random() * 64)).map(() => Math.floor(random() * 256));
      } else {
        const [, source] = valid[Math.floor(random() * valid.length)]!;
        bytes = Uint8Array.from(source);
        for (let f = 0; f < 1 + Math.floor(random() * 3); f++)
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      try {
        decodeRequest(signal, bytes);
        decodedSome++;
      } catch (err) {
        assert.ok(err instanceof OtlpDecodeError, `case ${i}: ${String(err)}`);
      }
    }
    assert.ok(decodedSome > 0, 'some corrupted inputs are still well-formed protobuf');
  });

  it('is not an OtlpDecodeError to ask for a signal OTLP does not have', () => {
    assert.throws(() => decodeRequest('messages' as PipelineType, new Uint8Array(0)), TypeError);
    assert.throws(() => encodeRequest('messages' as PipelineType, { resourceSpans: [] } as Traces), TypeError);
  });
});

describe('OTLP/protobuf responses', () => {
  for (const signal of SIGNALS) {
    it(`round-trips a ${signal} partial success`, () => {
      for (const partial of [
        { rejected: 3, errorMessage: 'bad points' },
        { rejected: 0, errorMessage: 'a warning only' },
        { rejected: 2 ** 40, errorMessage: '' },
      ]) {
        assert.deepStrictEqual(decodeResponse(signal, encodeResponse(signal, partial)), partial);
      }
    });
  }

  it('leaves partial_success unset for a full success', () => {
    assert.equal(encodeResponse('traces').length, 0);
    assert.equal(encodeResponse('metrics', { rejected: 0, errorMessage: '' }).length, 0);
    assert.equal(decodeResponse('logs', new Uint8Array(0)), undefined);
    // An empty partial_success message present on the wire is no partial success either.
    assert.equal(decodeResponse('logs', Uint8Array.from([0x0a, 0x00])), undefined);
  });

  it('throws OtlpDecodeError for a malformed response', () => {
    throwsDecodeError(() => decodeResponse('traces', Uint8Array.from([0x0a, 0x05, 0x08])));
    throwsDecodeError(() => decodeResponse('metrics', Uint8Array.from([0x0f])));
  });
});
