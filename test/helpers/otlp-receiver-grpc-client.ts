// For the otlp receiver's tests: a raw gRPC client for the Export services (bytes in, bytes or a status out).
import { Metadata, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type { ChannelCredentials, ChannelOptions, Client, ServiceError } from '@grpc/grpc-js';
import type { PipelineType } from '../../core/pdata/index.ts';
import { GRPC_SERVICE_NAMES, exportService } from '../../otlp/index.ts';

export type GrpcReply = { ok: true; body: Buffer } | { ok: false; err: ServiceError };

export interface RawGrpc {
  exportRaw(signal: PipelineType, body: Uint8Array, headers?: Record<string, string>): Promise<GrpcReply>;
  close(): void;
}

export function rawGrpc(port: number, opts: { creds?: ChannelCredentials; options?: ChannelOptions } = {}): RawGrpc {
  const clients = new Map<PipelineType, Client & { Export: (...args: unknown[]) => void }>();
  const clientFor = (signal: PipelineType) => {
    let c = clients.get(signal);
    if (!c) {
      const Ctor = makeGenericClientConstructor(exportService(signal), GRPC_SERVICE_NAMES[signal]);
      c = new Ctor(
        `localhost:${port}`,
        opts.creds ?? credentials.createInsecure(),
        opts.options ?? {},
      ) as unknown as Client & { Export: (...args: unknown[]) => void };
      clients.set(signal, c);
    }
    return c;
  };
  return {
    exportRaw(signal, body, headers = {}) {
      const md = new Metadata();
      for (const [k, v] of Object.entries(headers)) md.set(k, v);
      return new Promise((resolve) => {
        clientFor(signal).Export(Buffer.from(body), md, (err: ServiceError | null, res: Buffer) =>
          resolve(err ? { ok: false, err } : { ok: true, body: res }),
        );
      });
    },
    close() {
      for (const c of clients.values()) c.close();
    },
  };
}
