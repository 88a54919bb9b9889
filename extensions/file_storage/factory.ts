import { defineExtension } from '../../core/component.ts';
import { fileStorageConfigSchema, validateFileStorageConfig } from './config.ts';
import type { FileStorageConfig } from './config.ts';
import { FileStorage } from './file-storage.ts';

export const fileStorageFactory = defineExtension<FileStorageConfig>({
  kind: 'extension',
  type: 'file_storage',
  stability: 'alpha',
  description: 'Durable storage on local disk for persistent sending queues (sending_queue.storage).',
  configSchema: fileStorageConfigSchema,
  validate: validateFileStorageConfig,
  createExtension: (settings, config) => new FileStorage(settings, config),
});
