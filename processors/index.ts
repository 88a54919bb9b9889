// The built-in processors. A new processor is added here once its folder exists.
import type { Factory } from '../core/component.ts';
import { attributesFactory } from './attributes/factory.ts';
import { batchFactory } from './batch/factory.ts';
import { correlationFactory } from './correlation/factory.ts';
import { filterFactory } from './filter/factory.ts';
import { memoryLimiterFactory } from './memory_limiter/factory.ts';
import { resourceFactory } from './resource/factory.ts';
import { schemaFactory } from './schema/factory.ts';
import { transformFactory } from './transform/factory.ts';

export const processors: Factory[] = [
  batchFactory,
  schemaFactory,
  correlationFactory,
  resourceFactory,
  attributesFactory,
  memoryLimiterFactory,
  filterFactory,
  transformFactory,
];
