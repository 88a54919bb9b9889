// An in-process hub for end-to-end tests: built-ins plus the test components, its log lines kept for reading
// bound ports and checking what was (not) logged.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtinFactories } from '../../components.ts';
import type { Factory } from '../../core/component.ts';
import { listen } from '../../core/net.ts';
import { Registry } from '../../core/registry.ts';
import type { RunningHub } from '../../cli/hub.ts';
import { startHub } from '../../cli/hub.ts';
import { testComponents } from './components.ts';
import type { TestComponents } from './components.ts';

export interface TestHub {
  hub: RunningHub;
  t: TestComponents;
  lines: Record<string, unknown>[];
  /** The `endpoint` field of the first log line whose msg starts with `msg` (a receiver's bound address). */
  endpoint(msg: string): string;
  shutdown(): Promise<void>;
}

export async function startTestHub(
  yaml: string,
  opts: { env?: Record<string, string>; factories?: Factory[] } = {},
): Promise<TestHub> {
  const t = testComponents();
  const lines: Record<string, unknown>[] = [];
  const hub = await startHub({
    configText: { text: yaml, name: 'test-hub.yaml' },
    env: { ...process.env, ...opts.env },
    registry: new Registry([...builtinFactories, ...t.factories, ...(opts.factories ?? [])]),
    logSink: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  return {
    hub,
    t,
    lines,
    endpoint(msg: string): string {
      const l = lines.find((x) => String(x.msg).startsWith(msg) && x.endpoint);
      if (!l)
        throw new Error(
          `no log line "${msg}" with an endpoint; logs:\n${lines.map((x) => JSON.stringify(x)).join('\n')}`,
        );
      return String(l.endpoint);
    },
    shutdown: () => hub.shutdown(),
  };
}

/** A TCP port that was free a moment ago (for a server that must come up later on a known port). */
export async function freePort(): Promise<number> {
  const s = createServer();
  const { port } = await listen(s, { host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Polls until `check` is true (behaviour, not timing: the deadline only stops a broken test hanging). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}
