// For the embedded broker's tests: the mqtt receiver with its embedded broker on a free port and a session file in
// a temporary directory, and the port read back from its log line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from './mqtt-receiver-harness.ts';
import type { Harness } from './mqtt-receiver-harness.ts';

export interface Embedded {
  h: Harness;
  url: string;
  port: number;
}

let dir: string | undefined;
let files = 0;

/** A fresh path for a session file (the directory is removed with cleanupEmbedded). */
export function sessionFile(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'otelhub-embedded-'));
  return join(dir, `sessions-${++files}.json`);
}

export function cleanupEmbedded(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

export async function startEmbedded(
  config: Record<string, unknown> = {},
  broker: Record<string, unknown> = {},
): Promise<Embedded> {
  const h = await startReceiver({
    embedded_broker: { endpoint: '127.0.0.1:0', session_file: sessionFile(), ...broker },
    topics: ['factory/#'],
    ...config,
  });
  const line = h.settings.logger.lines.find((l) => l.msg === 'embedded MQTT broker listening');
  assert.ok(line, 'logs where the embedded broker listens');
  const endpoint = String(line.endpoint);
  const port = Number(/:(\d+)$/.exec(endpoint)?.[1]);
  assert.ok(port > 0, `the real port, not 0: ${endpoint}`);
  return { h, url: `mqtt://${endpoint}`, port };
}
