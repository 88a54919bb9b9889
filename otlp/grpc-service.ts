// The OTLP/gRPC Export methods as grpc-js definitions that pass bytes through: our codec encodes and decodes, so no
// generated stubs or .proto loading are needed, and a malformed message reaches the code that answers it.
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { PipelineType } from '../core/pdata/index.ts';

export const GRPC_SERVICE_NAMES: Readonly<Record<PipelineType, string>> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

/** The HTTP/2 path of a signal's Export call. */
export const exportMethodPath = (signal: PipelineType): string => `/${GRPC_SERVICE_NAMES[signal]}/Export`;

const bytes = (b: Buffer): Buffer => b;

/** A signal's service with its one unary Export method, bytes in and bytes out. */
export function exportService(signal: PipelineType): ServiceDefinition {
  return {
    Export: {
      path: exportMethodPath(signal),
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    },
  };
}
