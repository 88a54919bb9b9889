// The exporter: the shared exporter machinery (retries, queue, bisection of refused requests) around the
// remote-write transport, with the `wal` storage started before it and stopped after it when configured.
import type { CreateSettings, Host } from '../../core/component.ts';
import type { FileStorage } from '../../extensions/file_storage/file-storage.ts';
import { BaseExporter } from '../helper/base-exporter.ts';
import type { PrwConfig } from './config.ts';
import { senderConfig } from './config.ts';
import { RemoteWriteTransport } from './remote-write-transport.ts';
import { hostWithWal, walStorage } from './wal.ts';

export class PrometheusRemoteWriteExporter extends BaseExporter {
  private readonly wal: FileStorage | undefined;

  constructor(settings: CreateSettings, cfg: PrwConfig) {
    super(settings, senderConfig(cfg), new RemoteWriteTransport(cfg, settings));
    this.wal = cfg.wal ? walStorage(settings, cfg.wal) : undefined;
  }

  override async start(host: Host): Promise<void> {
    if (!this.wal) return super.start(host);
    await this.wal.start();
    await super.start(hostWithWal(host, this.wal));
  }

  override async shutdown(): Promise<void> {
    try {
      await super.shutdown();
    } finally {
      await this.wal?.shutdown();
    }
  }
}
