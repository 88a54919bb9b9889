import { defineReceiver } from '../../core/component.ts';
import { mqttConfigSchema, validateMqttConfig } from './config.ts';
import type { MqttReceiverConfig } from './config.ts';

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
  // mqtt.js and mqtt-packet (about 90 modules) load only in a hub that has an mqtt receiver.
  createReceiver: async (settings, config, next) =>
    new (await import('./mqtt-receiver.ts')).MqttReceiver(settings, config, next),
});
