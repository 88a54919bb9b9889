// What the memory limiter measures and against what. Usage: V8's live heap plus the memory outside it that JS
// objects hold (Buffers, the request bytes a hub mostly holds), the analogue of the Go heap's Alloc the Collector
// measures: it falls as soon as a collection frees data, where RSS stays up (freed pages are not given back at
// once) and would keep the hub refusing long after the data left. Limit for `limit_percentage`: the process's
// cgroup memory limit (v2 memory.max, v1 memory.limit_in_bytes), else the host's memory.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** One measurement, in bytes. */
export interface MemoryUsage {
  /** What the limits are compared with: heapUsed + external. */
  used: number;
  /** Resident set size, for the log only. */
  rss: number;
}

export type MemoryReader = () => MemoryUsage;

export const readProcessMemory: MemoryReader = () => {
  const m = process.memoryUsage();
  return { used: m.heapUsed + m.external, rss: m.rss };
};

/** The memory the process lives under and where that figure came from (for the log). */
export interface MemoryLimit {
  bytes: number;
  source: string;
}

/** Where the cgroup files are; injectable for tests. */
export interface CgroupPaths {
  /** The cgroup file system's mount point. */
  root: string;
  /** The process's cgroup membership (`/proc/self/cgroup`). */
  selfCgroup: string;
  /** The host's memory. */
  hostBytes: () => number;
}

export const DEFAULT_CGROUP_PATHS: CgroupPaths = {
  root: '/sys/fs/cgroup',
  selfCgroup: '/proc/self/cgroup',
  hostBytes: totalmem,
};

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A limit file's value in bytes; undefined for `max` (v2's no limit), unreadable or not a number. */
function limitIn(path: string): number | undefined {
  const text = readText(path);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** `/a/b` → [`/a/b`, `/a`, ``]: a limit on any ancestor applies too, and the smallest binds. */
function selfAndAncestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--)
    out.push(
      parts
        .slice(0, i)
        .map((p) => `/${p}`)
        .join(''),
    );
  return out;
}

/** The smallest limit in `dir` and its ancestors below `base`, with the file that set it. */
function smallestLimit(base: string, cgroupPath: string, file: string): MemoryLimit | undefined {
  let best: MemoryLimit | undefined;
  for (const p of selfAndAncestors(cgroupPath)) {
    const path = `${base}${p}/${file}`;
    const bytes = limitIn(path);
    if (bytes !== undefined && (!best || bytes < best.bytes)) best = { bytes, source: path };
  }
  return best;
}

/**
 * The memory limit the process lives under: the cgroup's (v2, then v1) when it sets one below the host's memory,
 * else the host's. A cgroup v1 without a limit reports a huge number, which the comparison with the host discards.
 */
export function memoryLimit(paths: CgroupPaths = DEFAULT_CGROUP_PATHS): MemoryLimit {
  const host: MemoryLimit = { bytes: paths.hostBytes(), source: 'host memory (os.totalmem())' };
  const lines = (readText(paths.selfCgroup) ?? '').split('\n');
  const candidates: MemoryLimit[] = [];
  // v2: one line `0::/path`.
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2 !== undefined) {
    const found = smallestLimit(paths.root, v2.slice(3), 'memory.max');
    if (found) candidates.push({ bytes: found.bytes, source: `cgroup v2 ${found.source}` });
  }
  // v1: `N:memory:/path` (or the memory controller listed with others, `N:memory,x:/path`).
  for (const l of lines) {
    const m = /^\d+:([^:]*):(.*)$/.exec(l);
    if (!m?.[1]?.split(',').includes('memory')) continue;
    const found = smallestLimit(`${paths.root}/memory`, m[2] ?? '/', 'memory.limit_in_bytes');
    if (found) candidates.push({ bytes: found.bytes, source: `cgroup v1 ${found.source}` });
  }
  const bound = candidates.filter((c) => c.bytes > 0 && c.bytes < host.bytes).sort((a, b) => a.bytes - b.bytes)[0];
  return bound ?? host;
}
