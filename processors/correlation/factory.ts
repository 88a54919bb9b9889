import { defineProcessor } from '../../core/component.ts';
import type { CorrelationConfig } from './config.ts';
import { correlationConfigSchema, validateCorrelationConfig } from './config.ts';
import { CorrelationProcessor } from './correlation.ts';

export const correlationFactory = defineProcessor<CorrelationConfig>({
  kind: 'processor',
  type: 'correlation',
  stability: 'alpha',
  description:
    'Converts broker messages into one span each, carrying the correlation ID from the JSON payload (compatible ' +
    "with the MQTT-to-OpenTelemetry trace exporter's spans); joins a W3C trace context from MQTT user properties.",
  configSchema: correlationConfigSchema,
  validate: validateCorrelationConfig,
  signals: { traces: { accepts: 'messages', emits: 'traces' } },
  mutatesData: false,
  createProcessor: (settings, config, next) => new CorrelationProcessor(settings, config, next),
});
