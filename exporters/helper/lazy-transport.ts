// A transport whose module is loaded when the exporter starts, not when the hub does: an exporter built on a large
// SDK (azure_blob: @azure/storage-blob and @azure/identity, about 30 MiB of heap and code) then costs nothing in a
// hub whose config does not use it, since every built-in factory is imported at start.
import type { Host } from '../../core/component.ts';
import { retryableError } from '../../core/errors.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { Transport } from './base-exporter.ts';
import type { ExportData, SendResult } from './send.ts';

export class LazyTransport implements Transport {
  private inner: Transport | undefined;

  constructor(private readonly load: () => Promise<Transport>) {}

  async start(host?: Host): Promise<void> {
    this.inner ??= await this.load();
    await this.inner.start(host);
  }

  send(data: ExportData, signal: PipelineType, headers: Record<string, string>): Promise<SendResult> {
    if (!this.inner) return Promise.reject(retryableError('exporter is not started'));
    return this.inner.send(data, signal, headers);
  }

  shutdown(): Promise<void> {
    return this.inner?.shutdown() ?? Promise.resolve();
  }
}
