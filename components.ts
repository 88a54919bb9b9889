// Every built-in component, registered in one place.
import { Registry } from './core/registry.ts';
import { exporters } from './exporters/index.ts';
import { extensions } from './extensions/index.ts';
import { processors } from './processors/index.ts';
import { receivers } from './receivers/index.ts';

export const builtinFactories = [...receivers, ...processors, ...exporters, ...extensions];

/** A registry holding the built-ins; plugins listed in a config are added to it. */
export function builtinRegistry(): Registry {
  return new Registry(builtinFactories);
}
