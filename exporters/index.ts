// The built-in exporters. A new exporter is added here once its folder exists.
import type { Factory } from '../core/component.ts';
import { debugFactory } from './debug/factory.ts';

export const exporters: Factory[] = [debugFactory];
