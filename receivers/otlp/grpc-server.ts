// OTLP/gRPC: the three Export services with raw Buffer (de)serializers, so our codec decodes and a malformed
// message becomes INVALID_ARGUMENT instead of an exception inside grpc-js. Services of signals no pipeline takes
// are not registered, and grpc-js answers them UNIMPLEMENTED. gzip requests and the size limit are grpc-js's.
import { createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { Metadata, Server } from '@grpc/grpc-js';
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { grpcServerCredentials } from '../../config/blocks/tls-grpc.ts';
import type { IncomingHeaders } from '../../core/auth.ts';
import type { ClientMetadata } from '../../core/consumer.ts';
import { ConfigKeyError, errorMessage } from '../../core/errors.ts';
import { listen, parseHostPort } from '../../core/net.ts';
import { PIPELINE_TYPES } from '../../core/pdata/index.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { encodeResponse, exportService, receiveRequest } from '../../otlp/index.ts';
import type { GrpcConfig } from './config.ts';
import { RequestBudget } from './deadline.ts';
import { grpcServerOptions } from '../../config/blocks/index.ts';
import { authenticate, consume, decode, endpointOf } from './export.ts';
import type { ExportDeps, Listening } from './export.ts';
import { callWatch } from './grpc-limits.ts';
import { abortedFailure, grpcStatusDetails, internalFailure } from './status.ts';

/** include_metadata: every text entry with all its values (keys are lower-case in gRPC); binary entries left out. */
function clientMetadata(md: Metadata): ClientMetadata {
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(md.getMap())) {
    if (key.endsWith('-bin')) continue;
    const values = md.get(key).filter((v): v is string => typeof v === 'string');
    if (values.length > 0) out[key] = values;
  }
  return out;
}

/** Metadata as the lower-case header map authenticators read; binary (-bin) entries are left out. */
function headersOf(md: Metadata): IncomingHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(clientMetadata(md)))
    out[key] = values.length === 1 ? values[0]! : [...values];
  return out;
}

/** grpc-js gives Infinity when the client set no deadline. */
function clientDeadline(call: ServerUnaryCall<Buffer, Buffer>): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

function exportHandler(signal: PipelineType, deps: ExportDeps, responseTimeoutMs: number, includeMetadata: boolean) {
  const consumer = deps.consumers[signal];
  const run = async (call: ServerUnaryCall<Buffer, Buffer>): Promise<Buffer> => {
    if (!consumer) throw new Error(`no pipeline receives ${signal}`);
    await authenticate(deps, headersOf(call.metadata));
    const data = decode(() => receiveRequest(signal, call.request));
    const budget = new RequestBudget(clientDeadline(call), responseTimeoutMs);
    // Cancelled: the client gave up, or its deadline passed before our answer.
    call.once('cancelled', () => budget.clientGone());
    await consume(consumer, data, 'grpc', budget, includeMetadata ? clientMetadata(call.metadata) : undefined);
    // Taken, but the client left before hearing so (it will send again): the pipeline had it anyway.
    if (call.cancelled) throw abortedFailure('cancelled before its answer; the data was taken');
    return Buffer.from(encodeResponse(signal));
  };
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    run(call).then(
      (response) => callback(null, response),
      (err: unknown) => {
        const failure = internalFailure(err);
        // Cancelled: the client gave up (or its deadline passed); nobody reads the answer.
        const f =
          call.cancelled && failure.kind !== 'aborted' ? abortedFailure(failure.detail ?? failure.message) : failure;
        deps.reports.failed({ transport: 'grpc', signal, remote: call.getPeer() }, f);
        if (call.cancelled) return;
        const metadata = new Metadata();
        const details = grpcStatusDetails(f);
        if (details) metadata.set('grpc-status-details-bin', details);
        callback({ code: f.grpcCode, details: f.message, metadata });
      },
    );
  };
}

export async function startGrpc(cfg: GrpcConfig, deps: ExportDeps): Promise<Listening> {
  const credentials = await grpcServerCredentials(cfg.tls, {
    onReloadError: (err) =>
      deps.logger.warn('reloading TLS files failed, keeping the previous certificates', { error: err.message }),
  }).catch((err: Error) => {
    throw new Error(`OTLP gRPC receiver on ${cfg.endpoint}: ${err.message}`, { cause: err });
  });
  const server = new Server({
    'grpc.max_receive_message_length': Math.floor(cfg.max_recv_msg_size_mib * 1024 * 1024),
    ...grpcServerOptions(cfg),
    interceptors: [
      callWatch({
        readTimeoutMs: cfg.read_timeout,
        onTimeout: () => deps.reports.limitHit('grpc', 'read_timeout'),
        onEarlyCancel: () =>
          deps.reports.failed({ transport: 'grpc' }, abortedFailure('cancelled before its request message was in')),
      }),
    ],
  });
  for (const signal of PIPELINE_TYPES) {
    if (deps.consumers[signal])
      server.addService(exportService(signal), {
        Export: exportHandler(signal, deps, cfg.response_timeout, cfg.include_metadata),
      });
  }
  // The hub owns the listening socket and hands each connection to grpc-js (which then does TLS and HTTP/2 as it
  // would on its own listener): grpc-js has no cap on connections, Node's net.Server has.
  const injector = server.createConnectionInjector(credentials);
  const sockets = new Set<Socket>();
  const listener = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });
  if (cfg.max_connections > 0) {
    listener.maxConnections = cfg.max_connections;
    listener.on('drop', () => deps.reports.limitHit('grpc', 'max_connections'));
  }
  let bound: number;
  try {
    bound = (await listen(listener, parseHostPort(cfg.endpoint))).port;
  } catch (err) {
    server.forceShutdown();
    throw new ConfigKeyError(['protocols', 'grpc', 'endpoint'], errorMessage(err), { cause: err });
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: endpointOf(cfg.endpoint, bound),
    port: bound,
    shutdown(): Promise<void> {
      // tryShutdown refuses new calls and waits for those in flight; the hub bounds the wait (shutdown_timeout).
      // tryShutdown closes each HTTP/2 session gracefully (calls in flight finish) but does not wait for sessions
      // on injected connections: the connections closing is what says they are done.
      closing ??= (async () => {
        listener.close();
        await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        await Promise.all([...sockets].map((s) => new Promise((resolve) => s.once('close', resolve))));
      })();
      return closing;
    },
  };
}
