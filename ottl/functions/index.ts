// Every function OTTL knows here, by name. The README lists the same set; anything else is refused at load time.
import { typeConverters } from './convert.ts';
import { converters } from './converters.ts';
import { editors } from './editors.ts';
import { timeConverters } from './time.ts';
import type { FunctionDef } from './types.ts';

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [...editors, ...converters, ...typeConverters, ...timeConverters].map((f) => [f.name, f]),
);
