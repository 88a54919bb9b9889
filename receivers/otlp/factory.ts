import { defineReceiver } from '../../core/component.ts';
import { otlpConfigSchema, validateOtlpConfig } from './config.ts';
import type { OtlpReceiverConfig } from './config.ts';
import { OtlpReceiver } from './otlp-receiver.ts';

export const otlpReceiverFactory = defineReceiver<OtlpReceiverConfig>({
  kind: 'receiver',
  type: 'otlp',
  stability: 'beta',
  description: 'OTLP over gRPC and HTTP (protobuf and JSON), answered once the pipeline has taken the data.',
  configSchema: otlpConfigSchema,
  validate: validateOtlpConfig,
  signals: { traces: 'traces', metrics: 'metrics', logs: 'logs' },
  createReceiver: (settings, config, next) => new OtlpReceiver(settings, config, next),
});
