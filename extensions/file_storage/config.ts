import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

/** The container image sets it (/var/lib/otelhub/file_storage, a directory its user may write). */
export const DIRECTORY_ENV = 'OTELHUB_FILE_STORAGE_DIRECTORY';
export const DEFAULT_TIMEOUT = '1s';
/** otelhub acknowledges upstream once data is durable, so by default that means fsync'd (the Collector: false). */
export const DEFAULT_FSYNC = true;
export const DEFAULT_CREATE_DIRECTORY = true;
export const DEFAULT_DIRECTORY_PERMISSIONS = '0750';

/**
 * Without `directory`: $OTELHUB_FILE_STORAGE_DIRECTORY, else the user's state directory
 * ($XDG_STATE_HOME/otelhub/file_storage, ~/.local/state/otelhub/file_storage), which `npm start` can write.
 */
export function defaultDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[DIRECTORY_ENV];
  if (fromEnv) return fromEnv;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'otelhub', 'file_storage');
}

export interface CompactionConfig {
  directory?: string;
  on_start: boolean;
  on_rebound: boolean;
  rebound_needed_threshold_mib: number;
  rebound_trigger_threshold_mib: number;
  max_transaction_size: number;
  check_interval: number;
  cleanup_on_start: boolean;
}

export interface FileStorageConfig {
  directory?: string;
  /** Milliseconds to wait for another process's lock on a queue's files before failing. */
  timeout: number;
  fsync: boolean;
  create_directory: boolean;
  directory_permissions: string;
  compaction: CompactionConfig;
}

// The Collector's compaction keys are accepted so its configs load; a segment log compacts by deleting each
// segment once all of its records were acknowledged, always and at once, so none of them changes anything.
const compactionSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    directory: { type: 'string', minLength: 1 },
    on_start: { type: 'boolean', default: false },
    on_rebound: { type: 'boolean', default: false },
    rebound_needed_threshold_mib: { type: 'integer', minimum: 0, default: 100 },
    rebound_trigger_threshold_mib: { type: 'integer', minimum: 0, default: 10 },
    max_transaction_size: { type: 'integer', minimum: 0, default: 65536 },
    check_interval: { type: ['string', 'number'], duration: true, default: '5s' },
    cleanup_on_start: { type: 'boolean', default: false },
  },
};

export const fileStorageConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    directory: { type: 'string', minLength: 1 },
    timeout: { type: ['string', 'number'], duration: true, default: DEFAULT_TIMEOUT },
    fsync: { type: 'boolean', default: DEFAULT_FSYNC },
    create_directory: { type: 'boolean', default: DEFAULT_CREATE_DIRECTORY },
    directory_permissions: { type: 'string', pattern: '^0?[0-7]{3}$', default: DEFAULT_DIRECTORY_PERMISSIONS },
    compaction: { ...compactionSchema, default: {} },
  },
};

export function validateFileStorageConfig(cfg: FileStorageConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (cfg.directory_permissions !== DEFAULT_DIRECTORY_PERMISSIONS && !cfg.create_directory)
    issues.push({ path: ['directory_permissions'], message: 'applies only with create_directory: true' });
  return issues;
}
