// The shape of the top level and of `service:`, validated with the same machinery as components' configs.
import type { ConfigSchema } from '../core/component.ts';
import { LOG_LEVELS } from '../core/logger.ts';
import { metricsSchema, resourceSchema } from './telemetry-config.ts';

export { DEFAULT_METRICS_ADDRESS } from './telemetry-config.ts';
export const DEFAULT_SHUTDOWN_TIMEOUT = '25s';

const idList: ConfigSchema = { type: 'array', items: { type: 'string', minLength: 1 }, default: [] };
const componentMap: ConfigSchema = { type: 'object', default: {} };

export const topLevelSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service'],
  properties: {
    receivers: componentMap,
    processors: componentMap,
    exporters: componentMap,
    extensions: componentMap,
    plugins: idList,
    service: {
      type: 'object',
      additionalProperties: false,
      required: ['pipelines'],
      properties: {
        extensions: idList,
        pipelines: {
          type: 'object',
          additionalProperties: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { receivers: idList, processors: idList, exporters: idList },
          },
        },
        shutdown_timeout: { type: ['string', 'number'], duration: true, default: DEFAULT_SHUTDOWN_TIMEOUT },
        telemetry: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            logs: {
              type: 'object',
              additionalProperties: false,
              default: {},
              properties: {
                level: { enum: [...LOG_LEVELS], default: 'info' },
                encoding: { enum: ['json', 'console'], default: 'json' },
              },
            },
            metrics: metricsSchema,
            resource: resourceSchema,
          },
        },
      },
    },
  },
};
