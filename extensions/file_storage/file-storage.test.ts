import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { defaultDirectory, fileStorageConfigSchema } from './config.ts';
import type { FileStorageConfig } from './config.ts';
import { FileStorage } from './file-storage.ts';

const root = await mkdtemp(join(tmpdir(), 'file-storage-'));
after(() => rm(root, { recursive: true, force: true }));

const storage = (raw: Record<string, unknown>): FileStorage => {
  const { value, issues } = validateConfig(fileStorageConfigSchema, raw);
  assert.deepEqual(issues, []);
  return new FileStorage(testSettings('file_storage', 'extension'), value as FileStorageConfig);
};

describe('file_storage', () => {
  it('defaults: fsync on, the directory from the environment or the user state directory', () => {
    const { value } = validateConfig(fileStorageConfigSchema, {});
    assert.equal((value as FileStorageConfig).fsync, true);
    assert.equal(
      defaultDirectory({ OTELHUB_FILE_STORAGE_DIRECTORY: '/var/lib/otelhub/file_storage' }),
      '/var/lib/otelhub/file_storage',
    );
    assert.equal(defaultDirectory({ XDG_STATE_HOME: '/state' }), '/state/otelhub/file_storage');
  });

  it('creates its directory, and one subdirectory per queue', async () => {
    const dir = join(root, 'created', 'deep');
    const s = storage({ directory: dir });
    await s.start();
    assert.ok((await stat(dir)).isDirectory());
    const log = await s.openLog('exporter_otlphttp/backend_traces');
    assert.deepEqual(await readdir(dir), ['exporter_otlphttp_backend_traces']);
    await assert.rejects(s.openLog('exporter_otlphttp/backend_traces'), /already open/);
    await log.close();
    await s.shutdown();
  });

  it('waits for a live owner up to timeout, and takes over the lock of a process that is gone', async () => {
    const dir = join(root, 'locks');
    const queue = join(dir, 'q');
    await mkdir(queue, { recursive: true });
    // The test runner's parent is alive and is not this process.
    await writeFile(join(queue, 'lock'), `${process.ppid}\n`);
    const s = storage({ directory: dir, timeout: '100ms' });
    await s.start();
    await assert.rejects(s.openLog('q'), new RegExp(`locked by process ${process.ppid}`));
    // No process has PID 2^22 + 1 (above Linux's pid_max).
    await writeFile(join(queue, 'lock'), `${2 ** 22 + 1}\n`);
    const log = await s.openLog('q');
    await log.append(Buffer.from('x'), 1);
    await log.close();
    assert.ok(!(await readdir(queue)).includes('lock'), 'closing releases the lock');
  });

  it('refuses a directory it cannot write', async () => {
    const s = storage({ directory: join(root, 'missing'), create_directory: false });
    await assert.rejects(s.start(), /not a writable directory/);
  });
});
