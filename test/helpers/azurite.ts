// A real Azurite (the Azure Storage emulator, npm `azurite`) for tests: its blob service on a free port of
// 127.0.0.1, in memory, with the well-known development account. One process per call; stop() ends it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Azurite's fixed development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  /** A connection string for the development account at this instance. */
  connectionString: string;
  stop(): Promise<void>;
  logs(): string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

function blobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
}

export interface AzuriteOptions {
  /** HTTPS with this certificate (for 127.0.0.1) and key: the endpoint becomes https. */
  tls?: { certFile: string; keyFile: string };
  /** Accept Entra ID bearer tokens (Azurite's `--oauth basic`: issuer, audience and lifetime checked); needs tls. */
  oauth?: boolean;
}

export async function startAzurite(opts: AzuriteOptions = {}): Promise<Azurite> {
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-azurite-'));
  const args = [
    blobMain(),
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--inMemoryPersistence',
    '--silent',
    // The SDK may speak a newer storage API version than this Azurite release knows.
    '--skipApiVersionCheck',
    '--disableTelemetry',
    ...(opts.tls ? ['--cert', opts.tls.certFile, '--key', opts.tls.keyFile] : []),
    ...(opts.oauth ? ['--oauth', 'basic'] : []),
  ];
  // In memory, Azurite still writes small files in its working directory: a temp dir, removed at stop().
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      log += b.toString();
      const m = /successfully listens on https?:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`azurite exited at start:\n${log}`)));
  });
  const scheme = opts.tls ? 'https' : 'http';
  const blobEndpoint = `${scheme}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=${scheme};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=${blobEndpoint};`,
    logs: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
