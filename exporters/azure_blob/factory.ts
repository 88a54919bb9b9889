import { defineExporter } from '../../core/component.ts';
import { BaseExporter } from '../helper/base-exporter.ts';
import { LazyTransport } from '../helper/lazy-transport.ts';
import { azureBlobConfigSchema, validateAzureBlobConfig } from './config.ts';
import type { AzureBlobConfig } from './config.ts';

export const azureBlobFactory = defineExporter<AzureBlobConfig>({
  kind: 'exporter',
  type: 'azure_blob',
  // The Collector contrib's name until it moved to lower_snake_case.
  deprecatedTypes: ['azureblob'],
  stability: 'alpha',
  description:
    'Writes traces, metrics and logs to Azure Blob Storage as OTLP JSON or protobuf, or through an encoding extension.',
  configSchema: azureBlobConfigSchema,
  validate: validateAzureBlobConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  implicitExtensions: (config) => Object.values(config.encodings).filter((id) => id !== undefined),
  createExporter: (settings, config) =>
    // auth here is the storage account's, not an authenticator extension: the sending stages get none.
    new BaseExporter(
      settings,
      { retry_on_failure: config.retry_on_failure, sending_queue: config.sending_queue },
      // The Azure SDK loads when this exporter starts (see LazyTransport): not in every hub.
      new LazyTransport(async () => new (await import('./blob-transport.ts')).BlobTransport(config, settings.logger)),
    ),
});
