// The V8 heap settings the hub runs with. Plain JavaScript: bin/otelhub.js reads it before anything else loads.
//
// A hub keeps little alive (tens of MiB: what is in flight plus its code) and makes garbage fast (every message
// decoded, converted, encoded). V8's defaults suit the opposite: a 32 MiB semi-space (64 MiB of young generation) and
// an old generation allowed to grow up to 4x its live size before it is collected. Draining a 200,000-message
// backlog, that held the hub's RSS at 305-350 MiB for a live heap of about 40 MiB. A 6 MiB semi-space and 30%
// growth bound it (figures in receivers/mqtt/README.md, "Memory"); the cost is more frequent, shorter collections.
// With so little room between the old generation and its limit, V8's default rule for starting incremental marking
// fired right after every full collection (--trace-incremental-marking: "Start (task)" at 16 of a 32 MiB limit): an
// OTLP pass-through hub was marking all the time, with a full collection every 45 ms and a fifth of its CPU in GC.
// --incremental-marking-soft-trigger=33 starts marking once a third of that room is used instead (the limit itself is
// unchanged): a full collection every 300-350 ms, GC 7% of the CPU, 0.32-0.39 instead of 0.46-0.49 CPU seconds per
// million spans passed through (README, "Benchmarks"); the price is RSS at full speed, 163-173 instead of 117-121
// MiB, as the old generation now fills toward its limit between collections. A 4 MiB semi-space saved another 6-8 MiB
// at 10k spans/s but slowed the MQTT drain (45-51% of the bare subscriber for `correlation`, 53-60% at 6 or 8
// MiB); 8 MiB with the trigger went over 120 MiB at 10k spans/s in some runs. --expose-gc lets the memory_limiter
// processor force a full collection above its limits, as the Collector's does (processors/memory_limiter).
export const HUB_NODE_FLAGS = [
  '--max-semi-space-size=6',
  '--heap-growing-percent=30',
  '--incremental-marking-soft-trigger=33',
  '--expose-gc',
];

/**
 * Environment the hub starts with, unless already set. glibc gives threads that allocate at once arenas of their own
 * (up to eight per core), and memory freed into one stays resident for that arena: V8's collector threads and
 * libuv's pool (zlib, file system) allocate beside the main thread, so a hub under load kept several arenas' worth
 * of freed memory. Two arenas, as is usual for Node services: `BENCH=passthrough`, alternating runs, measured a peak
 * RSS of 116-117 instead of 122-124 MiB at full speed and 115-116 instead of 117 at 10k spans/s, the same speed
 * within the runs' noise; `BENCH=mqtt-process` the same RSS, and 2-7% more CPU per message for `correlation`.
 */
export const HUB_ENV = { MALLOC_ARENA_MAX: '2' };

/** The HUB_ENV entries that `env` does not set already (none with OTELHUB_NODE_FLAGS=none). */
export function missingHubEnv(env = process.env) {
  if (env.OTELHUB_NODE_FLAGS === 'none') return {};
  return Object.fromEntries(Object.entries(HUB_ENV).filter(([k]) => env[k] === undefined));
}

const flagName = (flag) => flag.split('=')[0].replace(/_/g, '-');

/**
 * The hub's flags that neither the command line (`execArgv`) nor NODE_OPTIONS set already: a user's own setting
 * of the same flag wins. OTELHUB_NODE_FLAGS=none leaves V8's defaults alone.
 */
export function missingNodeFlags(execArgv = process.execArgv, env = process.env) {
  if (env.OTELHUB_NODE_FLAGS === 'none') return [];
  const given = new Set([...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].filter(Boolean).map(flagName));
  return HUB_NODE_FLAGS.filter((f) => !given.has(flagName(f)));
}

/**
 * Whether these arguments run the hub (cli/main.ts: no command, or `run`). The other commands (validate,
 * components, --version ...) start faster without a second start for flags they do not need.
 */
export function runsTheHub(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help' || a === '-v' || a === '--version') return false;
    if (a === '-c' || a === '--config' || a === '--log-level') i++;
    else if (!a.startsWith('-')) return a === 'run';
  }
  return true;
}
