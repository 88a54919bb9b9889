// Device credentials from a password file in Mosquitto's `mosquitto_passwd` format, so an existing file works
// unchanged: `user:$7$<iterations>$<salt>$<hash>` (PBKDF2-HMAC-SHA512, mosquitto_passwd's default since 2.0) and
// `user:$6$<salt>$<hash>` (one SHA-512 of password then salt, Mosquitto 1.6 and earlier); salt and hash in base64.
// Plain-text lines are refused: Mosquitto itself only takes them through `mosquitto_passwd -U`.
import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

type Entry =
  | { kind: 'sha512'; salt: Buffer; hash: Buffer }
  | { kind: 'pbkdf2'; iterations: number; salt: Buffer; hash: Buffer };

// Far above mosquitto_passwd's 101, low enough that one CONNECT cannot stall the hub for seconds.
const MAX_ITERATIONS = 1_000_000;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseLine(line: string, n: number, path: string): [string, Entry] {
  const colon = line.indexOf(':');
  const bad = (why: string) => new Error(`password_file ${path}: line ${n}: ${why}`);
  if (colon <= 0) throw bad('expected user:$7$iterations$salt$hash (as mosquitto_passwd writes)');
  const user = line.slice(0, colon);
  const parts = line.slice(colon + 1).split('$');
  if (parts[0] !== '' || parts.slice(1).some((p) => !B64.test(p)))
    throw bad('not a hashed password: hash the file with mosquitto_passwd -U');
  if (parts[1] === '6' && parts.length === 4) {
    return [
      user,
      { kind: 'sha512', salt: Buffer.from(parts[2] ?? '', 'base64'), hash: Buffer.from(parts[3] ?? '', 'base64') },
    ];
  }
  if (parts[1] === '7' && parts.length === 5) {
    const iterations = Number(parts[2]);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS)
      throw bad(`iterations must be 1..${MAX_ITERATIONS}`);
    const salt = Buffer.from(parts[3] ?? '', 'base64');
    return [user, { kind: 'pbkdf2', iterations, salt, hash: Buffer.from(parts[4] ?? '', 'base64') }];
  }
  throw bad('unknown hash: expected $7$ (sha512-pbkdf2) or $6$ (sha512)');
}

export class PasswordFile {
  private constructor(private readonly users: Map<string, Entry>) {}

  /** Reads and parses the file; rejects naming the file and line, never quoting a hash. */
  static async load(path: string): Promise<PasswordFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read password_file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`, {
        cause: err,
      });
    }
    const users = new Map<string, Entry>();
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const [user, entry] = parseLine(line, i + 1, path);
      users.set(user, entry);
    });
    return new PasswordFile(users);
  }

  get size(): number {
    return this.users.size;
  }

  /** Whether `password` is `user`'s. Compared in constant time; an unknown user costs a hash too. */
  async verify(user: string, password: Buffer): Promise<boolean> {
    const entry = this.users.get(user);
    if (!entry) {
      await pbkdf2Async(password, 'unknown user', 101, 64, 'sha512');
      return false;
    }
    const actual =
      entry.kind === 'pbkdf2'
        ? await pbkdf2Async(password, entry.salt, entry.iterations, entry.hash.length, 'sha512')
        : createHash('sha512').update(password).update(entry.salt).digest();
    return actual.length === entry.hash.length && timingSafeEqual(actual, entry.hash);
  }
}
