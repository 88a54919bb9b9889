// OTLP/JSON: Export{Trace,Metrics,Logs}Service{Request,Response} to and from text.
import type { Logs, Metrics, PipelineType, SignalDataMap, Traces } from '../core/pdata/index.ts';
import type { PartialSuccess } from './codec-common.ts';
import { OtlpDecodeError } from './codec-common.ts';
import { logsJson, readLogsJson } from './json-logs.ts';
import { metricsJson, readMetricsJson } from './json-metrics.ts';
import type { Obj } from './json-read.ts';
import { JsonShapeError, asObject, int64, message, str } from './json-read.ts';
import { readTracesJson, tracesJson } from './json-traces.ts';
import type { Json } from './json-write.ts';
import { JsonDepthScan } from './json-depth.ts';
import { wellFormed } from './well-formed.ts';

type Data<S extends PipelineType> = SignalDataMap[S];

interface SignalJson {
  write: (data: never) => Json;
  read: (o: Obj) => Data<PipelineType>;
  /** The name of partial_success's count in this signal's response. */
  rejected: string;
}

const SIGNALS: Record<PipelineType, SignalJson> = {
  traces: { write: (d: Traces) => tracesJson(d), read: readTracesJson, rejected: 'rejectedSpans' },
  metrics: { write: (d: Metrics) => metricsJson(d), read: readMetricsJson, rejected: 'rejectedDataPoints' },
  logs: { write: (d: Logs) => logsJson(d), read: readLogsJson, rejected: 'rejectedLogRecords' },
};

function signalOf(signal: PipelineType): SignalJson {
  const s = Object.hasOwn(SIGNALS, signal) ? SIGNALS[signal] : undefined;
  if (!s) throw new TypeError(`not an OTLP signal: ${String(signal)}`);
  return s;
}

// JSON.parse rounds integers past 2^53. The spec writes 64-bit integers as strings, but numbers are accepted too:
// integer literals long enough to lose digits are quoted before parsing, so they arrive exactly (the readers accept
// numbers in strings, also for doubles). Strings are matched whole so nothing inside one is touched.
const MAYBE_BIG_NUMBER = /[:,[]\s*-?\d{16}/;
const STRING_OR_BIG_INTEGER = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\w.+-])-?\d{16,}(?![\d.eE])/g;

function parse(text: string): unknown {
  if (typeof text !== 'string') throw new TypeError(`OTLP/JSON must be a string, got ${typeof text}`);
  // The HTTP receiver checks as the body arrives, so a bomb is never buffered; this covers every caller, in one pass.
  new JsonDepthScan().text(text);
  const exact = MAYBE_BIG_NUMBER.test(text)
    ? text.replace(STRING_OR_BIG_INTEGER, (m) => (m.startsWith('"') ? m : `"${m}"`))
    : text;
  return JSON.parse(exact);
}

function decode<T>(what: string, text: string, read: (o: Obj) => T): T {
  let root: unknown;
  try {
    root = parse(text);
  } catch (err) {
    if (err instanceof TypeError) throw err;
    throw new OtlpDecodeError(`invalid OTLP/JSON ${what}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return read(asObject(root, '') ?? {});
  } catch (err) {
    if (!(err instanceof JsonShapeError))
      throw new OtlpDecodeError(`invalid OTLP/JSON ${what}: ${String(err)}`, { cause: err });
    const path = err.path.filter((p) => p !== '').join('.');
    throw new OtlpDecodeError(`invalid OTLP/JSON ${what}: ${path ? `${path}: ` : ''}${err.message}`, { cause: err });
  }
}

// JSON.stringify escapes a lone surrogate as \udXXX (and writes valid pairs as they are), so the text is valid UTF-8
// but what it says is not a Unicode string: a receiver decodes the surrogate back. Only when such an escape may be
// there is the request written again with lone surrogates replaced by U+FFFD, as the protobuf path does.
const repair = (_key: string, v: unknown): unknown => (typeof v === 'string' ? wellFormed(v) : v);

export function encodeRequestJson<S extends PipelineType>(signal: S, data: Data<S>): string {
  const body = signalOf(signal).write(data as never);
  const text = JSON.stringify(body);
  return text.includes('\\ud') ? JSON.stringify(body, repair) : text;
}

/** Throws OtlpDecodeError for text that is not JSON or does not have OTLP's shape. */
export function decodeRequestJson<S extends PipelineType>(signal: S, text: string): Data<S> {
  const s = signalOf(signal);
  return decode(`${signal} request`, text, s.read) as Data<S>;
}

function isEmpty(partial: PartialSuccess | undefined): partial is undefined {
  return partial === undefined || (partial.rejected === 0 && partial.errorMessage === '');
}

export function encodeResponseJson(signal: PipelineType, partial?: PartialSuccess): string {
  const s = signalOf(signal);
  if (isEmpty(partial)) return '{}';
  const body: Json = {};
  if (partial.rejected !== 0) body[s.rejected] = String(partial.rejected);
  if (partial.errorMessage !== '') body.errorMessage = partial.errorMessage;
  return JSON.stringify({ partialSuccess: body });
}

/** An empty body, `{}`, or a partial_success with nothing in it all mean full success: undefined. */
export function decodeResponseJson(signal: PipelineType, text: string): PartialSuccess | undefined {
  const s = signalOf(signal);
  if (typeof text === 'string' && text.trim() === '') return undefined;
  return decode(`${signal} response`, text, (o) => {
    if (o.partialSuccess === undefined || o.partialSuccess === null) return undefined;
    const partial = message(o, 'partialSuccess', (p) => ({
      rejected: Number(int64(p, s.rejected)),
      errorMessage: str(p, 'errorMessage'),
    }));
    return isEmpty(partial) ? undefined : partial;
  });
}
