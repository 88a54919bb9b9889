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
  /** Former type names (a factory's deprecatedTypes) to the factory that now has another name. */
  private readonly aliases: Record<Kind, Map<string, Factory>> = {
    receiver: new Map(),
    processor: new Map(),
    exporter: new Map(),
    extension: new Map(),
  };

  constructor(factories: readonly Factory[] = []) {
    for (const f of factories) this.register(f);
  }

  /** Adds a factory; a malformed type or one already registered for its kind (as a name or alias) is refused. */
  register(f: Factory): void {
    if (!KINDS.includes(f.kind)) throw new Error(`factory ${String(f.type)}: unknown kind ${String(f.kind)}`);
    const names = [f.type, ...(f.deprecatedTypes ?? [])];
    for (const t of names) {
      if (typeof t !== 'string' || !TYPE_PATTERN.test(t)) {
        throw new Error(`${f.kind} factory type ${JSON.stringify(t)} is not lower_snake_case`);
      }
    }
    const map = this.byKind[f.kind];
    const aliases = this.aliases[f.kind];
    if (map.get(f.type) === f) return; // the same module loaded twice is not a conflict
    for (const t of names) {
      if (map.has(t) || aliases.has(t)) throw new Error(`${f.kind} type "${t}" is already registered`);
    }
    map.set(f.type, f);
    for (const t of f.deprecatedTypes ?? []) aliases.set(t, f);
  }

  /** The factory for a type or for one of its deprecated names. */
  get<K extends Kind>(kind: K, type: string): Extract<Factory, { kind: K }> | undefined {
    return (this.byKind[kind].get(type) ?? this.aliases[kind].get(type)) as Extract<Factory, { kind: K }> | undefined;
  }

  /** The current name when `type` is a deprecated one, else undefined. */
  renamedTo(kind: Kind, type: string): string | undefined {
    return this.aliases[kind].get(type)?.type;
  }

  /** Current names only: suggestions never offer a deprecated one. */
  types(kind: Kind): string[] {
    return [...this.byKind[kind].keys()].sort();
  }

  all(): Factory[] {
    return KINDS.flatMap((k) => [...this.byKind[k].values()]);
  }
}
