import { defineProcessor } from '../../core/component.ts';
import type { SchemaConfig } from './config.ts';
import { schemaConfigSchema, validateSchemaConfig } from './config.ts';
import { SchemaProcessor } from './schema.ts';

export const schemaFactory = defineProcessor<SchemaConfig>({
  kind: 'processor',
  type: 'schema',
  stability: 'alpha',
  description:
    'Converts broker messages in the Azure IoT Operations OpenTelemetry JSON schema into metrics or logs; ' +
    'invalid items are dropped and counted, their valid siblings go on.',
  configSchema: schemaConfigSchema,
  validate: validateSchemaConfig,
  signals: {
    metrics: { accepts: 'messages', emits: 'metrics' },
    logs: { accepts: 'messages', emits: 'logs' },
  },
  mutatesData: false,
  createProcessor: (settings, config, next) => new SchemaProcessor(settings, config, next),
});
