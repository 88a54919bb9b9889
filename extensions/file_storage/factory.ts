import { defineExtension } from '../../core/component.ts';
import { fileStorageConfigSchema, validateFileStorageConfig } from './config.ts';
import type { FileStorageConfig } from './config.ts';

export const fileStorageFactory = defineExtension<FileStorageConfig>({
  kind: 'extension',
  type: 'file_storage',
  stability: 'alpha',
  description: 'Durable storage on local disk for persistent sending queues (sending_queue.storage).',
  configSchema: fileStorageConfigSchema,
  validate: validateFileStorageConfig,
  // The logic module is loaded when the component is created: a hub without one never loads it.
  createExtension: async (settings, config) => new (await import('./file-storage.ts')).FileStorage(settings, config),
});
