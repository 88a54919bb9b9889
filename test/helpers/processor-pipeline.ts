// For a processor's pipeline test: a hub with the otlp receiver, the processors under test in every pipeline and
// the otlp_grpc exporter to an independent OTLP/gRPC server; data goes in through the official OpenTelemetry
// exporters, and what the server received is what the processors made of it.
import type { Logs, Metrics, Traces } from '../../core/pdata/index.ts';
import { startTestHub } from './hub.ts';
import type { TestHub } from './hub.ts';
import type { TestGrpcServer } from './otlp-grpc-exporter-server.ts';
import { startGrpcServer } from './otlp-grpc-exporter-server.ts';
import type { Official } from './otlp-receiver-official-exporters.ts';
import { officialExporters, shutdownAll } from './otlp-receiver-official-exporters.ts';

export interface ProcessorPipeline {
  hub: TestHub;
  server: TestGrpcServer;
  /** Official gRPC exporters pointed at the hub, sending `headers` as gRPC metadata. */
  official: Official;
  received(): { traces: Traces[]; metrics: Metrics[]; logs: Logs[] };
  close(): Promise<void>;
}

/** `processors` is the YAML under `processors:` (indented two spaces); `ids` the order in every pipeline. */
export async function startProcessorPipeline(
  processors: string,
  ids: readonly string[],
  opts: { headers?: Record<string, string> } = {},
): Promise<ProcessorPipeline> {
  const server = await startGrpcServer();
  const list = `[${ids.join(', ')}]`;
  const hub = await startTestHub(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: localhost:0 }
processors:
${processors}
exporters:
  otlp_grpc:
    endpoint: ${server.address}
    tls: { insecure: true }
    retry_on_failure: { enabled: false }
service:
  telemetry:
    metrics: { level: none }
  pipelines:
    traces: { receivers: [otlp], processors: ${list}, exporters: [otlp_grpc] }
    metrics: { receivers: [otlp], processors: ${list}, exporters: [otlp_grpc] }
    logs: { receivers: [otlp], processors: ${list}, exporters: [otlp_grpc] }
`);
  const official = officialExporters('grpc', `http://${hub.endpoint('OTLP gRPC receiver listening')}`, {
    headers: opts.headers ?? {},
  });
  const of = <T>(signal: string) => server.calls.filter((c) => c.signal === signal).map((c) => c.data as T);
  return {
    hub,
    server,
    official,
    received: () => ({ traces: of<Traces>('traces'), metrics: of<Metrics>('metrics'), logs: of<Logs>('logs') }),
    close: async () => {
      await shutdownAll(official);
      await hub.shutdown();
      await server.close();
    },
  };
}
