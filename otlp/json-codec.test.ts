import assert from 'node:assert/strict';
import { OTLP_SAMPLES } from '../test/helpers/otlp-samples.ts';
import { describe, it } from 'node:test';
import type { PipelineType } from '../core/pdata/index.ts';
import { fromHex } from '../core/pdata/index.ts';
import { sampleMetrics, sampleTraces } from '../test/helpers/sample-data.ts';
import {
  OtlpDecodeError,
  decodeRequestJson,
  decodeResponseJson,
  encodeRequestJson,
  encodeResponseJson,
} from './index.ts';
import { edgeMetrics } from '../test/helpers/otlp-edge-cases.ts';

const ALL = OTLP_SAMPLES;

function throwsDecodeError(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(err)}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** A one-span request around `span` (JSON object fields), for decoding tests. */
function spanRequest(span: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }], ...extra });
}

const firstSpan = (text: string) => decodeRequestJson('traces', text).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('OTLP/JSON requests', () => {
  for (const [signal, make] of ALL) {
    it(`round-trips ${signal} (${make.name}) exactly`, () => {
      assert.deepStrictEqual(decodeRequestJson(signal, encodeRequestJson(signal, make())), make());
    });
  }

  it('writes the spec form: hex IDs, base64 bytes, 64-bit integers as strings, enums as integers', () => {
    const json = JSON.parse(encodeRequestJson('traces', sampleTraces())) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const span = json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.traceId, '0102030405060708090a0b0c0d0e0f10');
    assert.equal(span.spanId, '1112131415161718');
    assert.equal(span.parentSpanId, '2122232425262728');
    assert.equal(span.startTimeUnixNano, '1700000000123456789');
    assert.equal(span.kind, 2);
    assert.deepEqual(span.status, { code: 2, message: 'boom' });
    const attrs = span.attributes as { key: string; value: unknown }[];
    assert.deepEqual(attrs.find((a) => a.key === 'int')!.value, { intValue: '7' });
    assert.deepEqual(attrs.find((a) => a.key === 'bytes')!.value, { bytesValue: 'AQI=' });
    const m = JSON.parse(encodeRequestJson('metrics', sampleMetrics())) as {
      resourceMetrics: { scopeMetrics: { metrics: Record<string, { dataPoints: Record<string, unknown>[] }>[] }[] }[];
    };
    const metrics = m.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    assert.equal(metrics[0]!.gauge!.dataPoints[0]!.asInt, '5');
    assert.equal(metrics[2]!.histogram!.dataPoints[0]!.count, '3');
    assert.deepEqual(metrics[2]!.histogram!.dataPoints[0]!.bucketCounts, ['1', '2', '0']);
  });

  it('writes doubles JSON cannot spell as numbers as the proto3 JSON strings', () => {
    const text = encodeRequestJson('metrics', edgeMetrics());
    assert.match(text, /"asDouble":"NaN"/);
    assert.match(text, /"asDouble":"-Infinity"/);
    assert.match(text, /"asDouble":"-0"/);
    assert.doesNotMatch(text, /null/);
  });

  it('accepts 64-bit integers as strings or numbers, exactly even past 2^53', () => {
    const s = firstSpan(
      spanRequest({
        startTimeUnixNano: '1700000000123456789',
        endTimeUnixNano: '18446744073709551615',
        attributes: [
          { key: 'min', value: { intValue: 'MIN' } },
          { key: 'max', value: { intValue: '9223372036854775807' } },
          { key: 'small', value: { intValue: 7 } },
          { key: 'exp', value: { intValue: 1e3 } },
          { key: 'digits', value: { stringValue: ':12345678901234567890' } },
          { key: 'big-double', value: { doubleValue: 1.2345678901234567e19 } },
        ],
      })
        // Bare literals, as a sender might write them (JSON.stringify of a JS number would already have rounded).
        .replace('"1700000000123456789"', '1700000000123456789')
        .replace('"MIN"', '-9223372036854775808'),
    );
    assert.equal(s.startTimeUnixNano, 1700000000123456789n);
    assert.equal(s.endTimeUnixNano, 2n ** 64n - 1n);
    assert.deepStrictEqual(
      s.attributes.map((a) => a.value),
      [
        { intValue: -(2n ** 63n) },
        { intValue: 2n ** 63n - 1n },
        { intValue: 7n },
        { intValue: 1000n },
        { stringValue: ':12345678901234567890' },
        { doubleValue: 1.2345678901234567e19 },
      ],
    );
  });

  it('takes bare integer literals past 2^53 exactly, wherever they are', () => {
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1700000000123456789,"endTimeUnixNano" : 1700000000123456791,
      "attributes":[{"key":"a","value":{"arrayValue":{"values":[{"intValue":-9223372036854775807},{"intValue":9007199254740993}]}}}]}]}]}]}`;
    const s = firstSpan(text);
    assert.equal(s.startTimeUnixNano, 1700000000123456789n);
    assert.equal(s.endTimeUnixNano, 1700000000123456791n);
    assert.deepStrictEqual(s.attributes[0]!.value, {
      arrayValue: { values: [{ intValue: -(2n ** 63n) + 1n }, { intValue: 9007199254740993n }] },
    });
  });

  it('accepts counts and 32-bit fields as numbers or strings', () => {
    const text = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  histogram: {
                    aggregationTemporality: '2',
                    dataPoints: [{ count: 3, bucketCounts: ['1', 2], explicitBounds: [1, '2.5'], flags: '1' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const h = decodeRequestJson('metrics', text).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.histogram!;
    assert.equal(h.aggregationTemporality, 2);
    assert.deepStrictEqual(h.dataPoints[0]!.bucketCounts, [1, 2]);
    assert.deepStrictEqual(h.dataPoints[0]!.explicitBounds, [1, 2.5]);
    assert.equal(h.dataPoints[0]!.count, 3);
    assert.equal(h.dataPoints[0]!.flags, 1);
  });

  it('ignores unknown fields at every level and treats absent or null fields as defaults', () => {
    const text = JSON.stringify({
      future: { x: 1 },
      resourceSpans: [
        {
          resource: { attributes: null, extra: [1, 2] },
          newField: 'x',
          scopeSpans: [
            { scope: null, spans: [{ name: 'op', kind: null, unknownNumber: 5, status: { code: 1, reason: 'x' } }] },
          ],
        },
      ],
    });
    const t = decodeRequestJson('traces', text);
    assert.deepStrictEqual(t.resourceSpans[0]!.resource, { attributes: [], droppedAttributesCount: 0 });
    assert.deepStrictEqual(t.resourceSpans[0]!.scopeSpans[0]!.scope, {
      name: '',
      version: '',
      attributes: [],
      droppedAttributesCount: 0,
    });
    const s = t.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(s.name, 'op');
    assert.equal(s.kind, 0);
    assert.deepStrictEqual(s.status, { code: 1, message: '' });
    assert.deepStrictEqual(s.traceId, new Uint8Array(0));
    assert.equal(s.startTimeUnixNano, 0n);
    assert.deepStrictEqual(decodeRequestJson('logs', '{}'), { resourceLogs: [] });
  });

  it('reads IDs as hex in either case, bytes as standard or URL-safe base64, enums by number or name', () => {
    const s = firstSpan(
      spanRequest({
        traceId: '0102030405060708090A0B0C0D0E0F10',
        spanId: 'AABBCCDDEEFF0011',
        kind: 'SPAN_KIND_CLIENT',
        status: { code: 'STATUS_CODE_ERROR' },
        attributes: [
          { key: 'std', value: { bytesValue: '+/8=' } },
          { key: 'url', value: { bytesValue: '-_8' } },
        ],
      }),
    );
    assert.deepStrictEqual(s.traceId, fromHex('0102030405060708090a0b0c0d0e0f10'));
    assert.deepStrictEqual(s.spanId, fromHex('aabbccddeeff0011'));
    assert.equal(s.kind, 3);
    assert.equal(s.status.code, 2);
    assert.deepStrictEqual(
      s.attributes.map((a) => a.value),
      [{ bytesValue: Uint8Array.from([0xfb, 0xff]) }, { bytesValue: Uint8Array.from([0xfb, 0xff]) }],
    );
    const rec = decodeRequestJson(
      'logs',
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN3' }] }] }],
      }),
    );
    assert.equal(rec.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.severityNumber, 15);
  });

  it('reads the proto3 JSON spellings of special doubles', () => {
    const text = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  gauge: {
                    dataPoints: ['NaN', 'Infinity', '-Infinity', '-0', '1e3'].map((asDouble) => ({ asDouble })),
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const points = decodeRequestJson('metrics', text).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge!
      .dataPoints;
    assert.deepStrictEqual(
      points.map((p) => p.asDouble),
      [NaN, Infinity, -Infinity, -0, 1000],
    );
  });
});

describe('OTLP/JSON malformed input', () => {
  const bad: [string, string, PipelineType, RegExp][] = [
    ['text that is not JSON', '{"resourceSpans": [', 'traces', /invalid OTLP\/JSON traces request/],
    ['a top-level array', '[]', 'traces', /expected an object/],
    ['a list that is not an array', '{"resourceSpans": {}}', 'traces', /resourceSpans: expected an array/],
    [
      'a base64 trace ID',
      spanRequest({ traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==' }),
      'traces',
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected 16 bytes in hex/,
    ],
    ['a span ID of the wrong length', spanRequest({ spanId: '0102' }), 'traces', /spanId: expected 8 bytes in hex/],
    ['non-hex characters in an ID', spanRequest({ spanId: '01020304050607zz' }), 'traces', /spanId/],
    [
      'a fractional int64',
      spanRequest({ attributes: [{ key: 'a', value: { intValue: '1.5' } }] }),
      'traces',
      /attributes\[0\]\.value\.intValue: expected an int64/,
    ],
    [
      'an int64 out of range',
      spanRequest({ attributes: [{ key: 'a', value: { intValue: '9223372036854775808' } }] }),
      'traces',
      /intValue/,
    ],
    ['a negative fixed64', spanRequest({ startTimeUnixNano: '-1' }), 'traces', /startTimeUnixNano: expected a uint64/],
    [
      'a negative uint32',
      spanRequest({ droppedAttributesCount: -1 }),
      'traces',
      /droppedAttributesCount: expected a uint32/,
    ],
    [
      'a string for a bool',
      spanRequest({ attributes: [{ key: 'a', value: { boolValue: 'true' } }] }),
      'traces',
      /boolValue: expected true or false/,
    ],
    ['a number for a string', spanRequest({ name: 5 }), 'traces', /name: expected a string/],
    [
      'an AnyValue with two values',
      spanRequest({ attributes: [{ key: 'a', value: { stringValue: 'x', intValue: 1 } }] }),
      'traces',
      /more than one value/,
    ],
    [
      'invalid base64',
      spanRequest({ attributes: [{ key: 'a', value: { bytesValue: 'not base64!' } }] }),
      'traces',
      /bytesValue: expected base64/,
    ],
    ['an unknown enum name', spanRequest({ kind: 'SPAN_KIND_WHATEVER' }), 'traces', /kind: expected an enum/],
    [
      'a null span',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[null]}]}]}',
      'traces',
      /spans\[0\]: expected an object, got null/,
    ],
    [
      'a metric with two kinds of data',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{},"sum":{}}]}]}]}',
      'metrics',
      /metrics\[0\]: a metric with more than one of gauge, sum/,
    ],
    [
      'a point with both asDouble and asInt',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asDouble":1,"asInt":"1"}]}}]}]}]}',
      'metrics',
      /dataPoints\[0\]: both asDouble and asInt/,
    ],
    [
      'a bad double',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"summary":{"dataPoints":[{"sum":"lots"}]}}]}]}]}',
      'metrics',
      /sum: expected a number/,
    ],
    [
      'a body that is not an object',
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"text"}]}]}]}',
      'logs',
      /logRecords\[0\]\.body: expected an object/,
    ],
  ];
  for (const [what, text, signal, message] of bad) {
    it(`throws OtlpDecodeError for ${what}`, () => {
      throwsDecodeError(() => decodeRequestJson(signal, text), message);
    });
  }

  it('limits AnyValue nesting to 100 levels', () => {
    const nested = (depth: number): string =>
      depth === 0 ? '{"intValue":1}' : `{"arrayValue":{"values":[${nested(depth - 1)}]}}`;
    const logs = (body: string) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${body}}]}]}]}`;
    decodeRequestJson('logs', logs(nested(100)));
    throwsDecodeError(() => decodeRequestJson('logs', logs(nested(101))), /nested deeper than 100/);
  });

  it('refuses text nested deeper than OTLP can be before parsing it (a nesting bomb), and not the deepest OTLP', () => {
    // The deepest valid request: kvlists nested 100 levels in a span attribute, 4 JSON levels each.
    const kv = (depth: number): string =>
      depth === 0 ? '{"intValue":1}' : `{"kvlistValue":{"values":[{"key":"k","value":${kv(depth - 1)}}]}}`;
    const deepest = `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"attributes":[]},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"s","events":[{"attributes":[{"key":"a","value":${kv(100)}}]}]}]}]}]}`;
    decodeRequestJson('traces', deepest);
    const bomb = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    throwsDecodeError(() => decodeRequestJson('traces', bomb), /nested deeper than 414 levels/);
    // Brackets inside strings are text, not nesting.
    decodeRequestJson(
      'logs',
      `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"${'[{'.repeat(1000)}\\"["}}]}]}]}`,
    );
  });
});

describe('OTLP/JSON responses', () => {
  it('writes {} for a full success and names the count after the signal', () => {
    assert.equal(encodeResponseJson('traces'), '{}');
    assert.equal(encodeResponseJson('logs', { rejected: 0, errorMessage: '' }), '{}');
    assert.equal(
      encodeResponseJson('traces', { rejected: 3, errorMessage: 'x' }),
      '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"x"}}',
    );
    assert.equal(
      encodeResponseJson('metrics', { rejected: 3, errorMessage: '' }),
      '{"partialSuccess":{"rejectedDataPoints":"3"}}',
    );
    assert.equal(
      encodeResponseJson('logs', { rejected: 0, errorMessage: 'warn' }),
      '{"partialSuccess":{"errorMessage":"warn"}}',
    );
  });

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    it(`round-trips a ${signal} partial success`, () => {
      for (const partial of [
        { rejected: 3, errorMessage: 'bad' },
        { rejected: 0, errorMessage: 'warning' },
        { rejected: 2 ** 40, errorMessage: '' },
      ]) {
        assert.deepStrictEqual(decodeResponseJson(signal, encodeResponseJson(signal, partial)), partial);
      }
    });
  }

  it('reads no partial success from {}, an empty body or an empty partialSuccess', () => {
    assert.equal(decodeResponseJson('traces', '{}'), undefined);
    assert.equal(decodeResponseJson('traces', ''), undefined);
    assert.equal(decodeResponseJson('metrics', '{"partialSuccess":{}}'), undefined);
    // Another signal's count name is an unknown field.
    assert.equal(decodeResponseJson('logs', '{"partialSuccess":{"rejectedSpans":"2"}}'), undefined);
  });

  it('reads the count as a string or a number', () => {
    assert.deepStrictEqual(
      decodeResponseJson('logs', '{"partialSuccess":{"rejectedLogRecords":4,"errorMessage":"e"}}'),
      { rejected: 4, errorMessage: 'e' },
    );
    assert.deepStrictEqual(decodeResponseJson('metrics', '{"partialSuccess":{"rejectedDataPoints":"5"}}'), {
      rejected: 5,
      errorMessage: '',
    });
  });

  it('throws OtlpDecodeError for a malformed response', () => {
    throwsDecodeError(() => decodeResponseJson('traces', '{'), /traces response/);
    throwsDecodeError(
      () => decodeResponseJson('traces', '{"partialSuccess":{"rejectedSpans":"x"}}'),
      /partialSuccess\.rejectedSpans/,
    );
    throwsDecodeError(() => decodeResponseJson('traces', '"text"'), /expected an object/);
  });
});
