// Which persistent sessions exist, kept in a small JSON file so they outlive the hub's process. The server holds no
// messages for a device (nothing is fanned out and a QoS 1 message is acknowledged only once delivered), so a
// session's whole durable state is that it exists: a device that reconnects after a hub crash is told Session
// Present 1 and resends what it has not had acknowledged, where Session Present 0 would make it discard that
// (MQTT 5 section 3.2.2.1.1). The file is replaced atomically (write a temporary file, flush it, rename, sync the directory) and every
// change is written before the CONNACK that depends on it.
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SessionRecord {
  /** Seconds the session outlives its connection; null: never expires (MQTT 3.1.1 clean session 0). */
  expiry: number | null;
  /** When the device last disconnected (Unix ms); null while connected or unknown. */
  disconnectedAt: number | null;
}

type Sessions = Record<string, SessionRecord>;

function isRecord(v: unknown): v is SessionRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    (r.expiry === null || typeof r.expiry === 'number') &&
    (r.disconnectedAt === null || typeof r.disconnectedAt === 'number')
  );
}

export class SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private writing: Promise<void> = Promise.resolve();
  private seq = 0;

  private constructor(private readonly path: string) {}

  /** Reads the file (none yet: no sessions); rejects naming the file when it cannot be read or is not ours. */
  static async open(path: string, now = Date.now()): Promise<SessionStore> {
    const store = new SessionStore(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read session_file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`, {
          cause: err,
        });
    }
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const sessions = (parsed as { sessions?: unknown } | undefined)?.sessions;
      if (typeof sessions !== 'object' || sessions === null || !Object.values(sessions).every(isRecord))
        throw new Error(`session_file ${path} is not an otelhub session file: move it away or set another path`);
      for (const [id, r] of Object.entries(sessions as Sessions)) {
        // Sessions that were connected when the hub stopped start their expiry now: the hub cannot know better.
        store.sessions.set(id, { expiry: r.expiry, disconnectedAt: r.disconnectedAt ?? now });
      }
    }
    store.expire(now);
    return store;
  }

  get(clientId: string, now = Date.now()): SessionRecord | undefined {
    const r = this.sessions.get(clientId);
    if (r && expired(r, now)) {
      this.sessions.delete(clientId);
      return undefined;
    }
    return r;
  }

  /** Records (or replaces) a session and writes the file; resolves once it is on disk. */
  set(clientId: string, record: SessionRecord): Promise<void> {
    this.sessions.set(clientId, record);
    return this.save();
  }

  /** Forgets a session; resolves once the file says so. No write when there was none. */
  delete(clientId: string): Promise<void> {
    if (!this.sessions.delete(clientId)) return Promise.resolve();
    return this.save();
  }

  /** Resolves once every write started so far is on disk (or failed, which its caller logged). */
  settled(): Promise<void> {
    return this.writing;
  }

  /** Drops expired sessions from memory (written with the next change). */
  expire(now = Date.now()): void {
    for (const [id, r] of this.sessions) if (expired(r, now)) this.sessions.delete(id);
  }

  // Writes are chained so two renames never race; each writes the state as of when it runs.
  private save(): Promise<void> {
    const next = this.writing.then(async () => {
      const tmp = `${this.path}.${process.pid}.${++this.seq}.tmp`;
      const body = JSON.stringify({ version: 1, sessions: Object.fromEntries(this.sessions) });
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, `${body}\n`, { flush: true });
      await rename(tmp, this.path);
      await syncDirectory(dirname(this.path));
    });
    this.writing = next.catch(() => {});
    return next;
  }
}

// The rename is durable only once the directory entry is on disk: without this, a power loss right after a CONNACK
// could bring back the old file, and a device told Session Present 1 would find no session after a restart.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function expired(r: SessionRecord, now: number): boolean {
  return r.expiry !== null && r.disconnectedAt !== null && now - r.disconnectedAt >= r.expiry * 1000;
}
