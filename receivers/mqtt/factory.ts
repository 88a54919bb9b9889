import { defineReceiver } from '../../core/component.ts';
import { mqttConfigSchema, validateMqttConfig } from './config.ts';
import type { MqttReceiverConfig } from './config.ts';
import { MqttReceiver } from './mqtt-receiver.ts';

export const mqttReceiverFactory = defineReceiver<MqttReceiverConfig>({
  kind: 'receiver',
  type: 'mqtt',
  stability: 'alpha',
  description:
    'Subscribes to an MQTT broker (v5 or 3.1.1); a QoS 1 message is acknowledged once every pipeline settled it.',
  configSchema: mqttConfigSchema,
  validate: validateMqttConfig,
  // Raw broker messages into every pipeline type: a converter (schema) turns them into telemetry.
  signals: { metrics: 'messages', logs: 'messages', traces: 'messages' },
  createReceiver: (settings, config, next) => new MqttReceiver(settings, config, next),
});
