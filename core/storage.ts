// Storage extensions, as the Collector's `storage` settings reference them (`sending_queue.storage: file_storage`):
// an extension that gives a component a durable, ordered log of records of its own.
import type { Extension, Host } from './component.ts';

/** A record read back from a log; `id` is what `ack` takes. */
export interface StoredRecord {
  readonly id: number;
  readonly payload: Uint8Array;
  /** The item count given at append (spans, points, log records), kept so a restart can size the queue. */
  readonly items: number;
}

/** What a log holds that was appended and not yet acknowledged or skipped as corrupt. */
export interface LogUsage {
  records: number;
  items: number;
  bytes: number;
}

export interface RecordLogOptions {
  /** Called when a torn or corrupt stretch of the log is skipped (`bytes` of it), so the owner can count it. */
  onCorrupt?(detail: { segment: string; offset: number; bytes: number; reason: string }): void;
  /**
   * Names the same log had before its owner was renamed (`exporter_otlphttp_traces`): when the log `name` does not
   * exist yet and one of these does, that one is taken over under `name`, so nothing it holds is left behind.
   */
  formerNames?: readonly string[];
}

/** An append-only log of records, read back in append order, surviving a restart until acknowledged. */
export interface RecordLog {
  /** Resolves once the record is durable (as the storage's fsync policy defines); rejects when it could not be. */
  append(payload: Uint8Array, items: number): Promise<void>;
  /** The next unread record in append order; waits for one; undefined once the log is closed. */
  next(): Promise<StoredRecord | undefined>;
  /** The record is done with: it is not read again after a restart. Records may be acknowledged in any order. */
  ack(id: number): void;
  /** Appended (or reserved by an append under way) and neither acknowledged nor skipped. */
  readonly usage: LogUsage;
  /** Bytes the log takes on disk. */
  readonly diskBytes: number;
  /** Waits for appends under way, records the read position, releases the files. next() then resolves undefined. */
  close(): Promise<void>;
}

export interface StorageExtension extends Extension {
  /** Opens (creating it if needed) the log named `name`, one per queue; one owner at a time. */
  openLog(name: string, opts?: RecordLogOptions): Promise<RecordLog>;
}

export function isStorageExtension(e: Extension | undefined): e is StorageExtension {
  return typeof (e as { openLog?: unknown } | undefined)?.openLog === 'function';
}

/** The extension a `storage` setting names, checked for the role it must play. */
export function storageExtension(host: Host, id: string): StorageExtension {
  const e = host.getExtension(id);
  if (!e) throw new Error(`storage "${id}" is not configured or not listed in service.extensions`);
  if (!isStorageExtension(e)) throw new Error(`extension "${id}" is not a storage extension`);
  return e;
}
