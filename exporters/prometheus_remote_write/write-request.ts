// prometheus.WriteRequest (remote write 1.0, prompb/remote.proto and types.proto), written with protobufjs' Writer:
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
//   Exemplar     { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
//   MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
import protobuf from 'protobufjs/minimal.js';
import type { Label } from './labels.ts';
import type { Metadata, PromExemplar, Series } from './translate.ts';

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
  for (const e of s.exemplars) {
    n += 24;
    for (const l of e.labels) n += l.name.length + l.value.length + 6;
  }
  return n;
}
