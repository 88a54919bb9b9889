import type { Factory, Kind } from './component.ts';
import { KINDS, TYPE_PATTERN } from './component.ts';

/** Factories by kind and type. A registry is a value: tests and plugins get their own. */
export class Registry {
  private readonly byKind: Record<Kind, Map<string, Factory>> = {
    receiver: new Map(),
    processor: new Map(),
    exporter: new Map(),
    extension: new Map(),
  };

  constructor(factories: readonly Factory[] = []) {
    for (const f of factories) this.register(f);
  }

  /** Adds a factory; a malformed type or one already registered for its kind is refused. */
  register(f: Factory): void {
    if (!KINDS.includes(f.kind)) throw new Error(`factory ${String(f.type)}: unknown kind ${String(f.kind)}`);
    if (typeof f.type !== 'string' || !TYPE_PATTERN.test(f.type)) {
      throw new Error(`${f.kind} factory type ${JSON.stringify(f.type)} is not lower_snake_case`);
    }
    const map = this.byKind[f.kind];
    if (map.get(f.type) === f) return; // the same module loaded twice is not a conflict
    if (map.has(f.type)) throw new Error(`${f.kind} type "${f.type}" is already registered`);
    map.set(f.type, f);
  }

  get<K extends Kind>(kind: K, type: string): Extract<Factory, { kind: K }> | undefined {
    return this.byKind[kind].get(type) as Extract<Factory, { kind: K }> | undefined;
  }

  types(kind: Kind): string[] {
    return [...this.byKind[kind].keys()].sort();
  }

  all(): Factory[] {
    return KINDS.flatMap((k) => [...this.byKind[k].values()]);
  }
}
