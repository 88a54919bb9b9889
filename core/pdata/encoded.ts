// Data still in the encoded form it arrived in (an OTLP/protobuf Export*ServiceRequest), for pass-through: a
// pipeline where nothing looks at the data carries the received bytes to the exporter, merges requests by
// concatenating them (repeated protobuf fields concatenate: two serialized requests laid end to end are one request
// holding both lists) and sends them as they came, instead of decoding and encoding every request again.
// The data is an ordinary Traces / Metrics / Logs object whose one property (resourceSpans, ...) decodes the bytes
// the first time anything reads or sets it: every processor and exporter works on it unchanged, and whatever reads
// it gets the object form. From that moment the bytes are forgotten, since what reads may also change the objects:
// only data nobody has touched is sent as the bytes it arrived in.
import type { PipelineType, SignalDataMap } from './signals.ts';

/** What the encoding of a signal's requests offers (core does not know the encoding: otlp/ provides this). */
export interface EncodedCodec<P extends PipelineType = PipelineType> {
  /** The object form of `bytes` (fresh objects on every call). */
  decode(bytes: Uint8Array): SignalDataMap[P];
  /** `bytes` in pieces of at most `max` items, in order, every piece full but the last, as splitData cuts. */
  cut(bytes: Uint8Array, max: number): Uint8Array[];
}

/** The bytes of a request with their item count (spans, data points, log records, as itemCount counts them). */
export interface EncodedForm<P extends PipelineType = PipelineType> {
  readonly signal: P;
  /** The request as one buffer; a merged one is joined from its `chunks` the first time this is read. */
  readonly bytes: Uint8Array;
  /**
   * Set when the request is several requests laid end to end (concatEncoded): the pieces, which a writer can send
   * one after the other without joining them into one buffer first.
   */
  readonly chunks?: readonly Uint8Array[];
  /** The request's length in bytes, known without joining its chunks. */
  readonly byteLength: number;
  readonly items: number;
  readonly codec: EncodedCodec<P>;
}

/** What the receiver hands over: one request, as it came. */
export type ReceivedForm<P extends PipelineType = PipelineType> = Omit<EncodedForm<P>, 'chunks' | 'byteLength'>;

const FORM = Symbol('otelhub.pdata.encoded');
const KEY: Record<PipelineType, string> = {
  traces: 'resourceSpans',
  metrics: 'resourceMetrics',
  logs: 'resourceLogs',
};

type Holder = Record<string | symbol, unknown>;

/** Turns `obj`'s lazy property into a plain one holding `value`, and forgets the bytes. */
function settle(obj: Holder, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  obj[FORM] = undefined;
}

/**
 * Data of `signal` held as `bytes` until something reads it. `bytes` must be a request `decode` accepts (checked by
 * the caller, e.g. with otlp's scanRequest) and must not change afterwards.
 */
export function encodedData<P extends PipelineType>(received: ReceivedForm<P> | EncodedForm<P>): SignalDataMap[P] {
  const form: EncodedForm<P> =
    'byteLength' in received
      ? received
      : {
          signal: received.signal,
          bytes: received.bytes,
          byteLength: received.bytes.byteLength,
          items: received.items,
          codec: received.codec,
        };
  const key = KEY[form.signal];
  const obj: Holder = {};
  Object.defineProperty(obj, FORM, { value: form, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(): unknown {
      const own = obj[FORM] as EncodedForm<P> | undefined;
      // Unreachable once settled (the accessor is gone), but a getter taken off the object could still be called.
      const value = own ? (own.codec.decode(own.bytes) as unknown as Holder)[key] : undefined;
      settle(obj, key, value);
      return value;
    },
    set(value: unknown): void {
      settle(obj, key, value);
    },
  });
  return obj as unknown as SignalDataMap[P];
}

/** The bytes `data` still stands for, or undefined when it is (or has become) plain objects. */
export function encodedForm<P extends PipelineType>(data: SignalDataMap[P]): EncodedForm<P> | undefined;
export function encodedForm(data: object): EncodedForm | undefined;
export function encodedForm(data: object): EncodedForm | undefined {
  return (data as Holder)[FORM] as EncodedForm | undefined;
}

/** Pieces of at most `max` items (max >= 1), each still encoded. */
export function cutEncoded<P extends PipelineType>(form: EncodedForm<P>, max: number): SignalDataMap[P][] {
  if (form.items <= max) return [encodedData(form)];
  return form.codec
    .cut(form.bytes, max)
    .map((bytes, i) =>
      encodedData({ signal: form.signal, bytes, items: Math.min(max, form.items - i * max), codec: form.codec }),
    );
}

/**
 * Several requests laid end to end, held as the list of their buffers and joined into one only when something reads
 * `bytes`: an HTTP exporter writes the pieces as they are. Joining every merged batch cost a copy of every byte
 * passed through and, worse, as much again in fresh off-heap buffers, which V8 counts toward its next full
 * collection: at full pass-through speed that doubled how often the hub ran one.
 */
class JoinedForm<P extends PipelineType> implements EncodedForm<P> {
  private joined: Uint8Array | undefined;

  constructor(
    readonly signal: P,
    private pieces: readonly Uint8Array[],
    readonly byteLength: number,
    readonly items: number,
    readonly codec: EncodedCodec<P>,
  ) {}

  get chunks(): readonly Uint8Array[] {
    return this.pieces;
  }

  get bytes(): Uint8Array {
    if (this.joined) return this.joined;
    // Every byte is written below: no need to zero them first.
    const out = Buffer.allocUnsafe(this.byteLength);
    let at = 0;
    for (const c of this.pieces) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.joined = out;
    // Once joined, the pieces would only double what a batch waiting in a queue or between retries holds.
    this.pieces = [out];
    return out;
  }
}

/** The requests laid end to end as one, when every one of them is still encoded; else undefined. */
export function concatEncoded<P extends PipelineType>(list: readonly SignalDataMap[P][]): SignalDataMap[P] | undefined {
  const forms: EncodedForm<P>[] = [];
  for (const d of list) {
    const f = encodedForm<P>(d);
    if (!f) return undefined;
    forms.push(f);
  }
  const first = forms[0];
  if (!first) return undefined;
  if (forms.length === 1) return list[0];
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let items = 0;
  for (const f of forms) {
    if (f.chunks) for (const c of f.chunks) chunks.push(c);
    else chunks.push(f.bytes);
    bytes += f.byteLength;
    items += f.items;
  }
  return encodedData(new JoinedForm(first.signal, chunks, bytes, items, first.codec));
}
