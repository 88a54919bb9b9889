// For the otlp receiver's tests: a raw gRPC client for the Export services (bytes in, bytes or a status out).
import { Metadata, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type { ChannelCredentials, ChannelOptions, Client, ServiceError } from '@grpc/grpc-js';
import type { PipelineType } from '../../core/pdata/index.ts';

const SERVICE: Record<PipelineType, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const raw = (b: Buffer): Buffer => b;

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
      const Ctor = makeGenericClientConstructor(
        {
          Export: {
            path: `/${SERVICE[signal]}/Export`,
            requestStream: false,
            responseStream: false,
            requestSerialize: raw,
            requestDeserialize: raw,
            responseSerialize: raw,
            responseDeserialize: raw,
          },
        },
        SERVICE[signal],
      );
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
