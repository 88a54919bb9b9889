// What a compiled statement runs on: the item of its context and everything above it. The processors fill in the
// members down to the context's level (a span statement gets resource, scope and span).
import type {
  InstrumentationScope,
  KeyValue,
  LogRecord,
  Metric,
  Resource,
  Span,
  SpanEvent,
} from '../../core/pdata/index.ts';
import type { Value } from '../values.ts';

/** Any data point: its fields are read per metric type (value_int only on number points, count on histograms...). */
export interface DataPointLike {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
  asDouble?: number;
  asInt?: bigint;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number;
  min?: number;
  max?: number;
}

export interface TransformContext {
  resource: Resource;
  scope?: InstrumentationScope;
  span?: Span;
  spanevent?: SpanEvent;
  metric?: Metric;
  datapoint?: DataPointLike;
  log?: LogRecord;
}

export type ContextName = 'resource' | 'scope' | 'span' | 'spanevent' | 'metric' | 'datapoint' | 'log';
export type SignalName = 'traces' | 'metrics' | 'logs';

/** One path of a context: how to read it, and how to write it when it can be written. */
export interface Field {
  get: (ctx: TransformContext) => Value;
  set?: (ctx: TransformContext, v: Value) => void;
  /** Indexing with keys is allowed (maps such as attributes, or body). */
  indexable?: boolean;
  /** One string key read and written by the field itself (trace_state["k"] inside the W3C tracestate text). */
  keyed?: {
    get: (ctx: TransformContext, key: string) => Value;
    set: (ctx: TransformContext, key: string, v: Value) => void;
  };
}

export type FieldTable = Readonly<Record<string, Field>>;
