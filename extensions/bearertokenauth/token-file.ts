// Keeps a token read from a file current, so a rotated token (a Kubernetes projected service-account token, as
// Azure IoT Operations' SAT authentication uses) is picked up without a restart. Kubernetes rotates by swapping the
// `..data` symlink in the file's directory, which a watch on the file itself stops seeing after the first swap, so
// the directory is watched; a stat poll covers filesystems where fs.watch reports nothing (NFS, some FUSE mounts).
// Nothing here ever logs or throws the token itself.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../core/logger.ts';
import { TOKEN_CHARS } from './config.ts';

export const DEFAULT_POLL_INTERVAL_MS = 10_000;
// A writer that truncates then writes fires several events; reading once after they settle avoids reading the gap.
const SETTLE_MS = 50;

export interface TokenFileOptions {
  /** Stat poll period, the fallback when fs.watch is silent. */
  pollIntervalMs?: number;
  /** false: poll only (tests of the fallback). */
  watch?: boolean;
}

export class TokenFile {
  private token: string | undefined;
  private signature = '';
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private failing = false;
  private stopped = false;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly opts: TokenFileOptions = {},
  ) {}

  /** The current token; undefined before start. */
  get value(): string | undefined {
    return this.token;
  }

  /** Reads the token; rejects, naming the file, when it is missing, unreadable, empty or not header-safe. */
  async start(): Promise<void> {
    this.token = await this.read();
    this.signature = await this.statSignature();
    if (this.opts.watch !== false) this.watchDirectory();
    this.poll = setInterval(() => void this.checkStat(), this.opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.poll.unref();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.poll);
    clearTimeout(this.settle);
  }

  private async read(): Promise<string> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read token file ${this.path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`, {
        cause: err,
      });
    }
    const token = text.trim();
    if (token === '') throw new Error(`token file ${this.path} is empty`);
    if (!TOKEN_CHARS.test(token))
      throw new Error(`token file ${this.path} holds characters a header cannot carry (printable ASCII only)`);
    return token;
  }

  private async statSignature(): Promise<string> {
    try {
      const s = await stat(this.path);
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch (err) {
      return `error:${(err as NodeJS.ErrnoException).code ?? ''}`;
    }
  }

  private watchDirectory(): void {
    const fallBack = (err: unknown): void => {
      this.logger.debug('cannot watch the token file directory; polling it instead', {
        filename: this.path,
        error: err,
      });
      this.watcher?.close();
      this.watcher = undefined;
    };
    try {
      // Any event in the directory: the swap renames `..data`, not the token's own name.
      this.watcher = watch(dirname(this.path), { persistent: false }, () => this.scheduleReload());
      this.watcher.on('error', fallBack);
    } catch (err) {
      fallBack(err);
    }
  }

  private scheduleReload(): void {
    if (this.stopped) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.reload(), SETTLE_MS);
    this.settle.unref();
  }

  private async checkStat(): Promise<void> {
    const signature = await this.statSignature();
    if (signature === this.signature || this.stopped) return;
    this.signature = signature;
    await this.reload();
  }

  /** One read at a time; a change seen during a read is read again after it. */
  reload(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.reloadOnce();
      } while (this.readAgain && !this.stopped);
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async reloadOnce(): Promise<void> {
    try {
      const token = await this.read();
      if (this.stopped) return;
      this.failing = false;
      if (token === this.token) return;
      this.token = token;
      this.logger.info('bearer token reloaded', { filename: this.path });
    } catch (err) {
      // Once per failing streak: a file that stays broken would otherwise log on every poll.
      if (this.stopped || this.failing) return;
      this.failing = true;
      this.logger.warn('cannot re-read the bearer token file; keeping the previous token', {
        filename: this.path,
        error: err,
      });
    }
  }
}
