// The console's costs (BENCH=console, not in the default set): recording dropped items under a flood (payloads
// redacted and cut), the memory the samples hold against drop_samples.max_bytes, and building one snapshot (what
// every open page gets every refresh_interval) with full rate histories and drop rings.
import type { Host } from '../core/component.ts';
import { DropSamples } from '../core/drop-samples.ts';
import { StatusBoard } from '../core/status.ts';
import { Telemetry } from '../core/telemetry.ts';
import { DEFAULT_REDACT_KEYS, DEFAULT_SAMPLES_MAX_BYTES } from '../extensions/console/config.ts';
import { RateHistory } from '../extensions/console/rates.ts';
import { snapshot } from '../extensions/console/snapshot.ts';

export interface ConsoleFigures {
  drops: number;
  dropsPerSec: number;
  heldBytes: number;
  maxBytes: number;
  snapshotMs: number;
  snapshotBytes: number;
  components: number;
  points: number;
}

export async function benchConsole(drops = 200_000): Promise<ConsoleFigures> {
  const s = new DropSamples();
  s.configure({
    per_reason: 10,
    max_bytes: DEFAULT_SAMPLES_MAX_BYTES,
    payload_bytes: 512,
    payloads: true,
    redact_keys: DEFAULT_REDACT_KEYS,
  });
  const payload = Buffer.from(
    `{"device":"d-1","password":"hunter2","readings":[${Array.from({ length: 200 }, (_, i) => i).join(',')}]`,
  );
  const t0 = performance.now();
  for (let i = 0; i < drops; i++)
    s.record(`processor:schema@metrics/${i % 8}`, `reason_${i % 30}`, 1, {
      origin: { topic: `f/${i % 100}` },
      payload,
    });
  const dropsPerSec = drops / ((performance.now() - t0) / 1000);

  // 60 components with 600 points in each series, and the drop ring above.
  const telemetry = new Telemetry();
  const points = 600;
  const c = telemetry.counter({ name: 'otelcol_exporter_sent_spans_total', help: 'h', labelNames: ['exporter'] });
  const rates = new RateHistory(telemetry, points);
  const status = new StatusBoard();
  for (let i = 0; i < 60; i++) status.set(`exporter:e${i}`, 'ok');
  for (let p = 0; p <= points; p++) {
    for (let i = 0; i < 60; i++) c.inc({ exporter: `e${i}` }, p);
    await rates.sample(p * 2000);
  }
  (telemetry.inspector as { drops: DropSamples }).drops.configure(undefined);
  Object.assign(telemetry.inspector, { drops: s });
  const host: Host = { status, getExtension: () => undefined };
  const runs = 50;
  let bytes = 0;
  const t1 = performance.now();
  for (let i = 0; i < runs; i++)
    bytes = JSON.stringify(snapshot({ host, telemetry, rates, refreshMs: 2000, payloads: true })).length;
  const snapshotMs = (performance.now() - t1) / runs;
  return {
    drops,
    dropsPerSec,
    heldBytes: s.heldBytes,
    maxBytes: DEFAULT_SAMPLES_MAX_BYTES,
    snapshotMs,
    snapshotBytes: bytes,
    components: 60,
    points,
  };
}
