// prometheus.WriteRequest (remote write 1.0, prompb/remote.proto and types.proto), written with protobufjs' Writer:
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
//   Exemplar     { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
//   MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
//   TimeSeries.histograms = 4: Histogram { uint64 count_int = 1; double sum = 3; sint32 schema = 4;
//     double zero_threshold = 5; uint64 zero_count_int = 6; repeated BucketSpan negative_spans = 8;
//     repeated sint64 negative_deltas = 9; repeated BucketSpan positive_spans = 11; repeated sint64 positive_deltas = 12;
//     int64 timestamp = 15; }   BucketSpan { sint32 offset = 1; uint32 length = 2; }
import protobuf from 'protobufjs/minimal.js';
import type { Label } from './labels.ts';
import type { Metadata, NativeHistogram, PromExemplar, Series } from './translate.ts';

/** Prometheus' staleness marker: a NaN with this exact bit pattern (value.StaleNaN), little-endian on the wire. */
const STALE_NAN = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);

function writeLabels(w: protobuf.Writer, field: number, labels: Label[]): void {
  for (const l of labels) {
    w.uint32((field << 3) | 2).fork();
    w.uint32(10).string(l.name);
    w.uint32(18).string(l.value);
    w.ldelim();
  }
}

function writeExemplar(w: protobuf.Writer, e: PromExemplar): void {
  w.uint32(26).fork();
  writeLabels(w, 1, e.labels);
  w.uint32(17).double(e.value);
  w.uint32(24).int64(e.timestamp);
  w.ldelim();
}

/** One span of consecutive buckets, counts as deltas (the first absolute), as Prometheus keeps them. */
function writeBuckets(w: protobuf.Writer, spanField: number, deltaField: number, b: NativeHistogram['positive']): void {
  if (b.counts.length === 0) return;
  w.uint32((spanField << 3) | 2).fork();
  w.uint32(8).sint32(b.offset);
  w.uint32(16).uint32(b.counts.length);
  w.ldelim();
  w.uint32((deltaField << 3) | 2).fork();
  let previous = 0;
  for (const c of b.counts) {
    w.sint64(c - previous);
    previous = c;
  }
  w.ldelim();
}

function writeHistogram(w: protobuf.Writer, h: NativeHistogram): void {
  w.uint32(34).fork();
  w.uint32(8).uint64(h.count);
  w.uint32(25);
  if (h.stale) w.raw(STALE_NAN);
  else w.double(h.sum);
  w.uint32(32).sint32(h.schema);
  w.uint32(41).double(h.zeroThreshold);
  w.uint32(48).uint64(h.zeroCount);
  writeBuckets(w, 8, 9, h.negative);
  writeBuckets(w, 11, 12, h.positive);
  w.uint32(120).int64(h.timestamp);
  w.ldelim();
}

function writeSeries(w: protobuf.Writer, s: Series): void {
  w.uint32(10).fork();
  writeLabels(w, 1, s.labels);
  for (const sample of s.samples) {
    w.uint32(18).fork();
    w.uint32(9);
    if (sample.stale) w.raw(STALE_NAN);
    else w.double(sample.value);
    w.uint32(16).int64(sample.timestamp);
    w.ldelim();
  }
  for (const e of s.exemplars) writeExemplar(w, e);
  for (const h of s.histograms ?? []) writeHistogram(w, h);
  w.ldelim();
}

/** The encoded WriteRequest of these series (and metadata), before snappy. */
export function encodeWriteRequest(series: Series[], metadata: Metadata[] = []): Uint8Array {
  const w = protobuf.Writer.create();
  for (const s of series) writeSeries(w, s);
  for (const m of metadata) {
    w.uint32(26).fork();
    w.uint32(8).int32(m.type);
    w.uint32(18).string(m.family);
    if (m.help !== '') w.uint32(34).string(m.help);
    if (m.unit !== '') w.uint32(42).string(m.unit);
    w.ldelim();
  }
  return w.finish();
}

/** About how many bytes a series takes encoded, to cut requests under max_batch_size_bytes without encoding twice. */
export function seriesSize(s: Series): number {
  let n = 4;
  for (const l of s.labels) n += l.name.length + l.value.length + 6;
  n += s.samples.length * 22;
  for (const h of s.histograms ?? []) n += 60 + 10 * (h.positive.counts.length + h.negative.counts.length);
  for (const e of s.exemplars) {
    n += 24;
    for (const l of e.labels) n += l.name.length + l.value.length + 6;
  }
  return n;
}
