// The file_storage extension: hands each queue that names it a segment log of its own, in a subdirectory of
// `directory` named after the queue (`exporter_otlp_http_backend_traces`).
import { access, constants, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateSettings } from '../../core/component.ts';
import { errorMessage } from '../../core/errors.ts';
import { sleep } from '../../core/sleep.ts';
import type { RecordLog, RecordLogOptions, StorageExtension } from '../../core/storage.ts';
import type { FileStorageConfig } from './config.ts';
import { defaultDirectory } from './config.ts';
import { SegmentLog } from './segment-log.ts';

const LOCK_FILE = 'lock';
const LOCK_POLL_MS = 50;

/** A queue name as a directory name: anything but letters, digits, `-` and `_` becomes `_` (`otlp/a` → `otlp_a`). */
export function logDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

export class FileStorage implements StorageExtension {
  readonly directory: string;
  private readonly logs = new Map<string, RecordLog>();

  constructor(
    private readonly settings: CreateSettings,
    private readonly cfg: FileStorageConfig,
  ) {
    this.directory = cfg.directory ?? defaultDirectory();
  }

  async start(): Promise<void> {
    try {
      if (this.cfg.create_directory)
        await mkdir(this.directory, { recursive: true, mode: Number.parseInt(this.cfg.directory_permissions, 8) });
      await access(this.directory, constants.W_OK);
    } catch (err) {
      // A read-only root file system (the Helm chart's) needs a volume here: say which directory.
      throw new Error(`directory ${this.directory} is not a writable directory: ${errorMessage(err)}`, { cause: err });
    }
    this.settings.logger.info('file storage ready', { directory: this.directory, fsync: this.cfg.fsync });
  }

  async openLog(name: string, opts: RecordLogOptions = {}): Promise<RecordLog> {
    const dir = join(this.directory, logDirName(name));
    if (this.logs.has(dir)) throw new Error(`${dir} is already open in this hub`);
    await this.takeOverFormer(dir, opts.formerNames ?? []);
    await mkdir(dir, { recursive: true });
    await this.lock(dir);
    const log = await SegmentLog.open(dir, { ...opts, fsync: this.cfg.fsync });
    const close = log.close.bind(log);
    // Closing the log releases the lock, so a restarted hub or another queue can take it over.
    log.close = async () => {
      await close();
      this.logs.delete(dir);
      await rm(join(dir, LOCK_FILE), { force: true });
    };
    this.logs.set(dir, log);
    return log;
  }

  /**
   * A component renamed in the config (`otlphttp` to `otlp_http`) finds its queue under its former name: when `dir`
   * does not exist, the first former log that does (and no live process holds) is moved to `dir`, whole.
   */
  private async takeOverFormer(dir: string, formerNames: readonly string[]): Promise<void> {
    if (formerNames.length === 0 || (await exists(dir))) return;
    for (const former of formerNames) {
      const from = join(this.directory, logDirName(former));
      if (this.logs.has(from) || !(await exists(from))) continue;
      const owner = Number.parseInt(await readFile(join(from, LOCK_FILE), 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        this.settings.logger.warn('a queue under a former name is held by another process: not taken over', {
          from,
          owner,
        });
        continue;
      }
      await rename(from, dir);
      this.settings.logger.info('took over the queue kept under a former name', { from, to: dir });
      return;
    }
  }

  async shutdown(): Promise<void> {
    // Owners close their logs first (exporters stop before extensions); this is for one that did not.
    await Promise.all([...this.logs.values()].map((l) => l.close()));
  }

  /**
   * Two hubs writing one queue would corrupt it: a lock file holds the owner's PID. A lock left by a process
   * that is gone (killed) is taken over; one held by a live process is waited for up to `timeout`.
   */
  private async lock(dir: string): Promise<void> {
    const path = join(dir, LOCK_FILE);
    const deadline = performance.now() + this.cfg.timeout;
    const stop = new AbortController().signal;
    for (;;) {
      try {
        const fh = await open(path, 'wx');
        await fh.writeFile(`${process.pid}\n`);
        await fh.close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (!Number.isInteger(owner) || owner === process.pid || !alive(owner)) {
        await writeFile(path, `${process.pid}\n`);
        return;
      }
      if (performance.now() >= deadline)
        throw new Error(`${dir} is locked by process ${owner} (another hub uses this directory)`);
      await sleep(LOCK_POLL_MS, stop);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
