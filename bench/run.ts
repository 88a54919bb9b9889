// npm run bench: prints figures and ratios against a baseline measured in the same run. Never run by the tests.
import { benchPipeline } from './pipeline.ts';

const total = Number(process.env.BENCH_SPANS ?? 2_000_000);

const [baseline, ...rest] = await benchPipeline(total);
console.log(`pipeline benchmark: ${total} spans, 100 per request, 256 requests in flight`);
for (const f of [baseline!, ...rest]) {
  const ratio = f.spansPerSec / baseline!.spansPerSec;
  console.log(
    `  ${f.name.padEnd(32)} ${Math.round(f.spansPerSec).toLocaleString('en').padStart(12)} spans/s  ` +
      `${f.cpuMsPer10k.toFixed(2).padStart(7)} CPU ms per 10k spans  ${(ratio * 100).toFixed(1).padStart(6)}% of baseline`,
  );
}
