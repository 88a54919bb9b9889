// `wal`: contrib's write-ahead log, so that what the exporter took survives a crash. otelhub backs it with the
// persistent queue on a file_storage segment log of its own in `wal.directory` (fsync'd, group commit): data is
// acknowledged upstream once written there, replayed in order after a restart, and each segment is deleted as soon as
// everything in it was delivered, which is what contrib's `buffer_size` and `truncate_frequency` tune by hand (they
// are accepted and have nothing to tune here).
import type { CreateSettings, Extension, Host } from '../../core/component.ts';
import { validateConfig } from '../../config/schema.ts';
import { fileStorageConfigSchema } from '../../extensions/file_storage/config.ts';
import type { FileStorageConfig } from '../../extensions/file_storage/config.ts';
import { FileStorage } from '../../extensions/file_storage/file-storage.ts';

/** The storage ID the exporter's queue is given when `wal` is set; no user extension can have it (`__` first). */
export const WAL_STORAGE_ID = '__prometheus_remote_write_wal';

export interface WalConfig {
  directory: string;
  buffer_size: number;
  truncate_frequency: number;
}

export const walSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['directory'],
  properties: {
    directory: { type: 'string', minLength: 1 },
    buffer_size: { type: 'integer', minimum: 1, default: 300 },
    truncate_frequency: { type: ['string', 'number'], duration: true, default: '1m' },
  },
};

/** The WAL's storage: a file_storage of the exporter's own in `wal.directory`. */
export function walStorage(settings: CreateSettings, wal: WalConfig): FileStorage {
  const { value, issues } = validateConfig(fileStorageConfigSchema, { directory: wal.directory });
  if (issues.length > 0) throw new Error(`wal: ${issues.map((i) => i.message).join('; ')}`);
  return new FileStorage({ ...settings, id: `${settings.id}/wal`, kind: 'extension' }, value as FileStorageConfig);
}

/** `host` with the WAL's storage added under WAL_STORAGE_ID, where the exporter's queue looks for its storage. */
export function hostWithWal(host: Host, storage: Extension): Host {
  return {
    status: host.status,
    getExtension: (id: string) => (id === WAL_STORAGE_ID ? storage : host.getExtension(id)),
  };
}
