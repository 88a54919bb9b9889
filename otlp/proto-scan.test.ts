// The walk that lets requests pass through undecoded must accept exactly what decodeRequest accepts, count what
// itemCount counts, and send strings that are not valid UTF-8 through the decoder.
import assert from 'node:assert/strict';
import { OTLP_SAMPLES, rng } from '../test/helpers/otlp-samples.ts';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import type { PipelineType, SignalDataMap } from '../core/pdata/index.ts';
import { encodedForm, itemCount } from '../core/pdata/index.ts';
import { sampleTraces } from '../test/helpers/sample-data.ts';
import { OtlpDecodeError, decodeRequest, encodeRequest, receiveRequest } from './index.ts';
import { scanRequest } from './proto-scan.ts';

const ALL = OTLP_SAMPLES;
const SIGNALS: PipelineType[] = ['traces', 'metrics', 'logs'];

const w = () => protobuf.Writer.create();
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** A request with one item (span / log record) whose bytes are `item`. */
function oneItem(item: Uint8Array): Uint8Array {
  return w().uint32(tag(1, 2)).fork().uint32(tag(2, 2)).fork().uint32(tag(2, 2)).bytes(item).ldelim().ldelim().finish();
}

/** Whether decodeRequest and scanRequest agree on `bytes`: both refuse, or both accept with the same item count. */
function agree(signal: PipelineType, bytes: Uint8Array, at: string): boolean {
  let decoded: SignalDataMap[PipelineType] | undefined;
  try {
    decoded = decodeRequest(signal, bytes);
  } catch (err) {
    assert.ok(err instanceof OtlpDecodeError, `${at}: ${String(err)}`);
  }
  let scanned: ReturnType<typeof scanRequest> | undefined;
  try {
    scanned = scanRequest(signal, bytes);
  } catch {
    scanned = undefined;
  }
  assert.equal(scanned !== undefined, decoded !== undefined, `${at}: decoder ${decoded ? 'accepts' : 'refuses'}`);
  if (decoded && scanned?.verbatim) assert.equal(scanned.items, itemCount(signal, decoded), `${at}: items`);
  return decoded !== undefined;
}

describe('scanRequest', () => {
  for (const [signal, make] of ALL) {
    it(`counts ${signal} (${make.name}) as itemCount does, verbatim`, () => {
      const data = make();
      const scan = scanRequest(signal, encodeRequest(signal, data));
      assert.deepStrictEqual(scan, { items: itemCount(signal, data), verbatim: true });
    });

    it(`refuses every truncation of ${signal} (${make.name}) that decodeRequest refuses, and only those`, () => {
      const bytes = encodeRequest(signal, make());
      for (let n = 1; n < bytes.length; n++) agree(signal, bytes.subarray(0, n), `${n} of ${bytes.length} bytes`);
    });
  }

  it('agrees with decodeRequest on random bytes and corrupted requests', () => {
    const random = rng(7);
    const valid = ALL.map(([signal, make]) => [signal, encodeRequest(signal, make())] as const);
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const signal = SIGNALS[i % 3]!;
      let bytes: Uint8Array;
      if (i % 2 === 0) bytes = new Uint8Array(Math.floor(random() * 64)).map(() => Math.floor(random() * 256));
      else {
        const [, source] = valid[Math.floor(random() * valid.length)]!;
        bytes = Uint8Array.from(source);
        for (let f = 0; f < 1 + Math.floor(random() * 3); f++)
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      if (agree(signal, bytes, `case ${i}`)) accepted++;
    }
    assert.ok(accepted > 100, `some corrupted inputs are still well-formed (${accepted})`);
  });

  it('refuses IDs of the wrong length and AnyValues nested deeper than 100, as the decoder does', () => {
    assert.throws(() => scanRequest('traces', oneItem(w().uint32(tag(1, 2)).bytes(new Uint8Array(3)).finish())), {
      message: /expected 16/,
    });
    const nested = (depth: number): Uint8Array =>
      depth === 0
        ? w().uint32(tag(3, 0)).int64(1).finish()
        : w()
            .uint32(tag(5, 2))
            .fork()
            .uint32(tag(1, 2))
            .bytes(nested(depth - 1))
            .ldelim()
            .finish();
    const logWithBody = (depth: number) => oneItem(w().uint32(tag(5, 2)).bytes(nested(depth)).finish());
    assert.equal(scanRequest('logs', logWithBody(100)).items, 1);
    assert.throws(() => scanRequest('logs', logWithBody(101)), { message: /nested deeper than 100/ });
    assert.throws(() => decodeRequest('logs', logWithBody(101)), OtlpDecodeError);
  });

  it('finds strings that are not valid UTF-8 at any depth', () => {
    const bad = [
      Uint8Array.from([0xff]),
      Uint8Array.from([0x61, 0xc3]), // truncated sequence
      Uint8Array.from([0xed, 0xa0, 0x80]), // an encoded lone surrogate
      Uint8Array.from([0xc0, 0xaf]), // overlong
    ];
    for (const b of bad) {
      const name = oneItem(w().uint32(tag(5, 2)).bytes(b).finish());
      assert.equal(scanRequest('traces', name).verbatim, false, `span name ${Buffer.from(b).toString('hex')}`);
      const value = w().uint32(tag(1, 2)).bytes(b).finish();
      const attr = w().uint32(tag(1, 2)).string('k').uint32(tag(2, 2)).bytes(value).finish();
      assert.equal(scanRequest('logs', oneItem(w().uint32(tag(6, 2)).bytes(attr).finish())).verbatim, false);
    }
    const fine = oneItem(w().uint32(tag(5, 2)).string('ünïcödé ✓ 𝄞').finish());
    assert.deepStrictEqual(scanRequest('traces', fine), { items: 1, verbatim: true });
    // bytes values are not strings: anything goes.
    const bytesValue = w()
      .uint32(tag(7, 2))
      .bytes(Uint8Array.from([0xff]))
      .finish();
    const kv = w().uint32(tag(1, 2)).string('k').uint32(tag(2, 2)).bytes(bytesValue).finish();
    assert.equal(scanRequest('logs', oneItem(w().uint32(tag(6, 2)).bytes(kv).finish())).verbatim, true);
  });

  it('leaves a metric with several kinds of data (a oneof, last one wins) to the decoder', () => {
    const point = w().uint32(tag(4, 1)).double(1).finish();
    const gauge = w().uint32(tag(1, 2)).bytes(point).finish();
    const metric = w().uint32(tag(5, 2)).bytes(gauge).uint32(tag(7, 2)).bytes(gauge).finish();
    assert.equal(scanRequest('metrics', oneItem(metric)).verbatim, false);
    const single = w().uint32(tag(5, 2)).bytes(gauge).finish();
    assert.deepStrictEqual(scanRequest('metrics', oneItem(single)), { items: 1, verbatim: true });
  });
});

describe('receiveRequest', () => {
  it('holds a valid request as its bytes: sent on exactly as received until something reads it', () => {
    for (const [signal, make] of ALL) {
      const bytes = encodeRequest(signal, make());
      const data = receiveRequest(signal, bytes);
      assert.equal(encodedForm(data)?.bytes, bytes, signal);
      assert.equal(itemCount(signal, data), itemCount(signal, make()));
      assert.equal(encodeRequest(signal, data), bytes);
      assert.deepStrictEqual(data, decodeRequest(signal, bytes));
      assert.equal(encodedForm(data), undefined, 'read: decoded from now on');
    }
  });

  it('encodes again what a reader changed', () => {
    const data = receiveRequest('traces', encodeRequest('traces', sampleTraces()));
    const span = data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.name = 'renamed';
    assert.equal(
      decodeRequest('traces', encodeRequest('traces', data)).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name,
      'renamed',
    );
    const replaced = receiveRequest('traces', encodeRequest('traces', sampleTraces()));
    replaced.resourceSpans = [];
    assert.equal(encodedForm(replaced), undefined);
    assert.equal(encodeRequest('traces', replaced).length, 0);
  });

  it('decodes a request with invalid UTF-8 at once, so that it leaves the hub valid', () => {
    const bytes = oneItem(
      w()
        .uint32(tag(5, 2))
        .bytes(Uint8Array.from([0x6f, 0x6b, 0xff]))
        .finish(),
    );
    const data = receiveRequest('traces', bytes);
    assert.equal(encodedForm(data), undefined);
    const out = encodeRequest('traces', data);
    assert.notDeepEqual(Buffer.from(out), Buffer.from(bytes));
    assert.deepStrictEqual(scanRequest('traces', out), { items: 1, verbatim: true });
    assert.equal(decodeRequest('traces', out).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name, 'ok\uFFFD');
  });

  it('refuses malformed input with OtlpDecodeError, as decodeRequest does', () => {
    for (const signal of SIGNALS) {
      for (const bytes of [[0x0e], [0x08, 0x01], [0x0a, 0x05, 0x00]]) {
        assert.throws(() => receiveRequest(signal, Uint8Array.from(bytes)), OtlpDecodeError);
      }
    }
    assert.throws(() => receiveRequest('messages' as PipelineType, new Uint8Array(0)), TypeError);
  });
  it('checks plain attributes in one step with the answers of the field-by-field walk', () => {
    // KeyValues of every shape, the plain ones (ASCII key, one scalar value, one-byte tags and lengths) and the near
    // misses, each as a log record's attribute: the scan agrees with the decoder, and keeps the request verbatim
    // exactly when every string in it is valid UTF-8.
    const random = rng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const texts: (readonly [Uint8Array, boolean])[] = [
      [Buffer.from(''), true],
      [Buffer.from('http.route'), true],
      [Buffer.from('x'.repeat(127)), true],
      [Buffer.from('y'.repeat(128)), true],
      [Buffer.from('é'), true],
      [Uint8Array.from([0x61, 0xff]), false],
      [Uint8Array.from([0xc3]), false],
    ];
    // Varints: one byte, two, the longest valid (10) and one too long (11).
    const varints = [
      [0],
      [1],
      [0x7f],
      [0x80, 0x01],
      [...Array<number>(9).fill(0xff), 0x01],
      Array<number>(11).fill(0xff),
    ];
    const bytesOf = (...parts: (number | readonly number[] | Uint8Array)[]): Uint8Array =>
      Buffer.concat(parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : Uint8Array.from(p))));
    let verbatim = 0;
    for (let i = 0; i < 3000; i++) {
      const kv = w();
      let valid = true;
      const text = (): Uint8Array => {
        const [t, ok] = pick(texts);
        valid &&= ok;
        return t;
      };
      const key = (): void => void kv.uint32(tag(1, 2)).bytes(text());
      const value = (): void => {
        const values = [
          () => w().uint32(tag(1, 2)).bytes(text()).finish(),
          () => bytesOf(tag(2, 0), pick(varints)),
          () => bytesOf(tag(3, 0), pick(varints)),
          () => w().uint32(tag(4, 1)).double(random()).finish(),
          () => bytesOf(tag(4, 1), [1, 2, 3]), // a double cut short
          () =>
            w()
              .uint32(tag(7, 2))
              .bytes(Uint8Array.from([0xff, 0x00]))
              .finish(),
          () =>
            w()
              .uint32(tag(5, 2))
              .fork()
              .uint32(tag(1, 2))
              .fork()
              .uint32(tag(3, 0))
              .int64(-1)
              .ldelim()
              .ldelim()
              .finish(),
          () => w().uint32(tag(1, 0)).uint32(1).finish(), // string_value with a varint's wire type
          () => w().uint32(tag(3, 0)).int64(2).uint32(tag(1, 2)).bytes(text()).finish(), // two values: last wins
          () =>
            w()
              .uint32(tag(9, 2))
              .bytes(Uint8Array.from([1, 2, 3]))
              .finish(), // an unknown field
          () => new Uint8Array(0),
        ];
        kv.uint32(tag(2, 2)).bytes(pick(values)());
      };
      const shapes = [key, () => (key(), value()), () => (value(), key()), () => (key(), value(), key()), value];
      pick(shapes)();
      const bytes = oneItem(w().uint32(tag(6, 2)).bytes(kv.finish()).finish());
      if (!agree('logs', bytes, `case ${i}`)) continue;
      const scan = scanRequest('logs', bytes);
      assert.equal(scan.verbatim, valid, `case ${i}: ${Buffer.from(bytes).toString('hex')}`);
      if (scan.verbatim) verbatim++;
    }
    assert.ok(verbatim > 1000, `most cases are well-formed, valid and kept verbatim (${verbatim})`);
  });
});
