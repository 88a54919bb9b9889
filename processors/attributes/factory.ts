import { defineProcessor } from '../../core/component.ts';
import { AttributesProcessor } from './attributes.ts';
import type { AttributesConfig } from './config.ts';
import { attributesConfigSchema, signalIssues, validateAttributesConfig } from './config.ts';

export const attributesFactory = defineProcessor<AttributesConfig>({
  kind: 'processor',
  type: 'attributes',
  stability: 'beta',
  description:
    'Inserts, updates, deletes, hashes, extracts or converts attributes of spans, log records and metric data ' +
    'points, optionally only those include / exclude select (the Collector contrib attributes processor).',
  configSchema: attributesConfigSchema,
  validate: validateAttributesConfig,
  // include / exclude properties the pipeline's signal does not have (span_names in a logs pipeline).
  validateForPipeline: signalIssues,
  signals: {
    traces: { accepts: 'traces', emits: 'traces' },
    metrics: { accepts: 'metrics', emits: 'metrics' },
    logs: { accepts: 'logs', emits: 'logs' },
  },
  mutatesData: true,
  createProcessor: (settings, config, next) => new AttributesProcessor(settings, config, next),
});
