// The built-in extensions. A new extension is added here once its folder exists.
import type { Factory } from '../core/component.ts';
import { bearerTokenAuthFactory } from './bearertokenauth/factory.ts';
import { consoleFactory } from './console/factory.ts';
import { fileStorageFactory } from './file_storage/factory.ts';
import { healthCheckFactory } from './health_check/factory.ts';
import { textEncodingFactory } from './text_encoding/factory.ts';

export const extensions: Factory[] = [
  healthCheckFactory,
  bearerTokenAuthFactory,
  fileStorageFactory,
  textEncodingFactory,
  consoleFactory,
];
