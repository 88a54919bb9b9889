// Component health, as the Collector's component status: the hub is ready while every component is `ok`.
import { errorMessage } from './errors.ts';

export type ComponentStatus =
  | 'starting'
  | 'ok'
  | 'recoverable_error'
  | 'permanent_error'
  | 'fatal_error'
  | 'stopping'
  | 'stopped';

export interface StatusEntry {
  status: ComponentStatus;
  error?: string;
  since: string;
}

export class StatusBoard {
  private readonly entries = new Map<string, StatusEntry>();
  private readonly watchers = new Set<() => void>();

  /** Calls `fn` after every change; returns the function that stops it. */
  watch(fn: () => void): () => void {
    this.watchers.add(fn);
    return () => void this.watchers.delete(fn);
  }

  set(key: string, status: ComponentStatus, err?: unknown): void {
    const prev = this.entries.get(key);
    // A component that already failed or stopped stays so: late reports from its timers must not revive it.
    if (prev && (prev.status === 'stopped' || prev.status === 'fatal_error') && status !== 'stopped') return;
    const entry: StatusEntry = { status, since: new Date().toISOString() };
    if (err !== undefined) entry.error = errorMessage(err);
    this.entries.set(key, entry);
    for (const w of [...this.watchers]) w();
  }

  get(key: string): StatusEntry | undefined {
    return this.entries.get(key);
  }

  /** true when there is at least one component and all are `ok`. */
  ready(): boolean {
    if (this.entries.size === 0) return false;
    for (const e of this.entries.values()) if (e.status !== 'ok') return false;
    return true;
  }

  snapshot(): Record<string, StatusEntry> {
    return Object.fromEntries(this.entries);
  }
}
