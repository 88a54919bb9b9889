// Throughput and CPU of one run, the unit every benchmark here reports in.
export interface Figures {
  name: string;
  spansPerSec: number;
  /** Whole-process CPU (user + system) per 10k spans. */
  cpuMsPer10k: number;
}

export async function measure(name: string, spans: number, run: () => Promise<void>): Promise<Figures> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { name, spansPerSec: spans / secs, cpuMsPer10k: ((cpu.user + cpu.system) / 1000) * (10_000 / spans) };
}
