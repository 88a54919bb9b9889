// What the hub can tell about itself beyond its metrics, for whoever shows it (the console extension): state that
// components provide on demand (their queues, their MQTT connections), and samples of the items they dropped. Core
// only keeps the registry; components register providers, so core imports nothing from them.
import { DropSamples } from './drop-samples.ts';
import type { PipelineConfig } from './pipelines.ts';

/** A section of provided state: `queues` (exporters), `connections` (MQTT clients), `devices` (the ingress). */
export type InspectSection = 'queues' | 'connections' | 'devices';

export type StateProvider = () => unknown;

export class Inspector {
  /** Dropped items, when an extension switched sampling on (off by default: nothing is kept). */
  readonly drops = new DropSamples();
  private readonly providers = new Map<InspectSection, Map<string, StateProvider>>();

  /** Registers `read` under `id` in `section` (the component ID); returns the function that removes it. */
  provide(section: InspectSection, id: string, read: StateProvider): () => void {
    let m = this.providers.get(section);
    if (!m) this.providers.set(section, (m = new Map<string, StateProvider>()));
    m.set(id, read);
    return () => {
      if (m.get(id) === read) m.delete(id);
    };
  }

  /** Every provider's state in `section`, by ID; a provider that throws shows its error instead of breaking the rest. */
  read(section: InspectSection): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [id, read] of this.providers.get(section) ?? []) {
      try {
        out[id] = read();
      } catch (err) {
        out[id] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return out;
  }
}

/** The running hub as configured, for the console (Host.describe). */
export interface HubDescription {
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
  readonly extensions: readonly string[];
  /** When the service was created (ISO 8601). */
  readonly startedAt: string;
  /** The config as `otelhub print-config` shows it (sensitive values redacted); undefined when not known. */
  config(): Promise<string | undefined>;
}
