// OTLP/protobuf: Export{Trace,Metrics,Logs}Service{Request,Response} to and from bytes.
import type { EncodedCodec, PipelineType, SignalDataMap } from '../core/pdata/index.ts';
import { encodedData, encodedForm } from '../core/pdata/index.ts';
import type { PartialSuccess } from './codec-common.ts';
import { OtlpDecodeError } from './codec-common.ts';
import { readLogs, writeLogs } from './proto-logs.ts';
import { readMetrics, writeMetrics } from './proto-metrics.ts';
import { PARTIAL_SUCCESS, RESPONSE_PARTIAL_SUCCESS } from './proto-schema.ts';
import { cutRequest } from './proto-cut.ts';
import { scanRequest } from './proto-scan.ts';
import { readTraces, writeTraces } from './proto-traces.ts';
import type { Reader } from './proto-read.ts';
import { enter, leave, newReader, readInt64, readString, readTag, skipField } from './proto-read.ts';
import type { Writer } from './proto-write.ts';
import { newWriter, open, writeInt64, writeString } from './proto-write.ts';

type Data<S extends PipelineType> = SignalDataMap[S];

interface SignalCodec {
  write(w: Writer, data: never): void;
  read(r: Reader): Data<PipelineType>;
}

const CODECS: Record<PipelineType, SignalCodec> = {
  traces: { write: writeTraces, read: readTraces },
  metrics: { write: writeMetrics, read: readMetrics },
  logs: { write: writeLogs, read: readLogs },
};

function codecOf(signal: PipelineType): SignalCodec {
  const c = Object.hasOwn(CODECS, signal) ? CODECS[signal] : undefined;
  if (!c) throw new TypeError(`not an OTLP signal: ${String(signal)}`);
  return c;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Data still in the form it was received in (see receiveRequest) is its bytes, as they came. Otherwise
 * `expectedBytes`: what the caller expects the encoding to take (an exporter knows its items' size from its last
 * request). The writer then starts with that much room, and the result is a view of its buffer rather than a copy
 * of the bytes; a wrong guess costs a doubling (too low) or unused room that is never touched (too high).
 */
export function encodeRequest<S extends PipelineType>(signal: S, data: Data<S>, expectedBytes = 0): Uint8Array {
  const form = encodedForm<S>(data);
  if (form?.signal === signal) return form.bytes;
  const w = newWriter(expectedBytes);
  codecOf(signal).write(w, data as never);
  return w.finish(expectedBytes > 0);
}

/**
 * As encodeRequest, in the pieces that laid end to end make the request: a merge of requests still in the form they
 * were received in is the list of them, which a writer sends as it is rather than joined into one buffer.
 */
export function encodeRequestChunks<S extends PipelineType>(
  signal: S,
  data: Data<S>,
  expectedBytes = 0,
): readonly Uint8Array[] {
  const form = encodedForm<S>(data);
  if (form?.signal === signal && form.chunks) return form.chunks;
  return [encodeRequest(signal, data, expectedBytes)];
}

/** Throws OtlpDecodeError for anything that is not a well-formed request: truncated, garbage, wrong wire types. */
export function decodeRequest<S extends PipelineType>(signal: S, bytes: Uint8Array): Data<S> {
  const codec = codecOf(signal);
  try {
    return codec.read(newReader(bytes)) as Data<S>;
  } catch (err) {
    throw new OtlpDecodeError(`invalid OTLP/protobuf ${signal} request: ${reason(err)}`, { cause: err });
  }
}

/**
 * A received request for the pipeline: checked as decodeRequest checks it (throwing OtlpDecodeError the same way)
 * but held as its bytes, decoded only when something reads it (core/pdata/encoded.ts), so that a pipeline where
 * nothing does sends the bytes on as they came. A request with a string that is not valid UTF-8 is decoded now,
 * so that what leaves the hub is valid.
 */
export function receiveRequest<S extends PipelineType>(signal: S, bytes: Uint8Array): Data<S> {
  codecOf(signal);
  let scan;
  try {
    scan = scanRequest(signal, bytes);
  } catch (err) {
    throw new OtlpDecodeError(`invalid OTLP/protobuf ${signal} request: ${reason(err)}`, { cause: err });
  }
  if (!scan.verbatim) return decodeRequest(signal, bytes);
  return encodedData<S>({ signal, bytes, items: scan.items, codec: ENCODED_CODECS[signal] });
}

const ENCODED_CODECS: { [S in PipelineType]: EncodedCodec<S> } = {
  traces: { decode: (b) => decodeRequest('traces', b), cut: (b, max) => cutRequest('traces', b, max) },
  metrics: { decode: (b) => decodeRequest('metrics', b), cut: (b, max) => cutRequest('metrics', b, max) },
  logs: { decode: (b) => decodeRequest('logs', b), cut: (b, max) => cutRequest('logs', b, max) },
};

function isEmpty(partial: PartialSuccess | undefined): partial is undefined {
  return partial === undefined || (partial.rejected === 0 && partial.errorMessage === '');
}

/** A full success is the empty message: the spec asks servers to leave partial_success unset then. */
export function encodeResponse(signal: PipelineType, partial?: PartialSuccess): Uint8Array {
  codecOf(signal);
  const w = newWriter();
  if (!isEmpty(partial)) {
    open(w, RESPONSE_PARTIAL_SUCCESS);
    writeInt64(w, PARTIAL_SUCCESS.rejected, BigInt(partial.rejected));
    writeString(w, PARTIAL_SUCCESS.errorMessage, partial.errorMessage);
    w.ldelim();
  }
  return w.finish();
}

export function decodeResponse(signal: PipelineType, bytes: Uint8Array): PartialSuccess | undefined {
  codecOf(signal);
  try {
    const r = newReader(bytes);
    let partial: PartialSuccess | undefined;
    while (r.pos < r.len) {
      const t = readTag(r);
      if (t >>> 3 === RESPONSE_PARTIAL_SUCCESS) partial = readPartialSuccess(r, t);
      else skipField(r, t);
    }
    return isEmpty(partial) ? undefined : partial;
  } catch (err) {
    throw new OtlpDecodeError(`invalid OTLP/protobuf ${signal} response: ${reason(err)}`, { cause: err });
  }
}

function readPartialSuccess(r: Reader, tag: number): PartialSuccess {
  const outer = enter(r, tag);
  const p: PartialSuccess = { rejected: 0, errorMessage: '' };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case PARTIAL_SUCCESS.rejected:
        p.rejected = Number(readInt64(r, t));
        break;
      case PARTIAL_SUCCESS.errorMessage:
        p.errorMessage = readString(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return p;
}
