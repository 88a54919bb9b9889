import { defineExtension } from '../../core/component.ts';
import { textEncodingConfigSchema, validateTextEncodingConfig } from './config.ts';
import type { TextEncodingConfig } from './config.ts';
import { TextEncoding } from './text-encoding.ts';

export const textEncodingFactory = defineExtension<TextEncodingConfig>({
  kind: 'extension',
  type: 'text_encoding',
  stability: 'beta',
  description: 'Encodes log bodies as lines of text (and text back into logs) for exporters that take an encoding.',
  configSchema: textEncodingConfigSchema,
  validate: validateTextEncodingConfig,
  createExtension: (_settings, config) => new TextEncoding(config),
});
