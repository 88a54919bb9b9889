// For the otlp_grpc exporter's tests: real OTLP/gRPC servers on port 0. One is grpc-js with the three OTLP services,
// decoding with our codec and answering as told; the other speaks HTTP/2 directly, to see what is on the wire
// (grpc-js hides compression).
import * as grpc from '@grpc/grpc-js';
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import { PIPELINE_TYPES } from '../../core/pdata/index.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { PartialSuccess } from '../../otlp/index.ts';
import { decodeRequest, encodeResponse, exportService } from '../../otlp/index.ts';
import { RETRY_INFO_TYPE } from '../../exporters/helper/rpc-status.ts';
import type { ExportData } from '../../exporters/helper/send.ts';
import { listen } from '../../core/net.ts';

export interface GrpcCall {
  signal: PipelineType;
  metadata: Record<string, unknown>;
  data: ExportData;
}

/** A failure to answer with, or a partial success; undefined: plain success. */
export type GrpcReply =
  | { code: grpc.status; details?: string; statusDetails?: Uint8Array }
  | { partial: PartialSuccess }
  | undefined;

export interface TestGrpcServer {
  /** `127.0.0.1:port`. */
  address: string;
  calls: GrpcCall[];
  reply: (call: GrpcCall, n: number) => GrpcReply | Promise<GrpcReply>;
  close(): Promise<void>;
}

export async function startGrpcServer(
  opts: { credentials?: grpc.ServerCredentials; port?: number } = {},
): Promise<TestGrpcServer> {
  const server = new grpc.Server();
  const s: TestGrpcServer = { address: '', calls: [], reply: () => undefined, close: () => Promise.resolve() };
  for (const signal of PIPELINE_TYPES) {
    server.addService(exportService(signal), {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const c: GrpcCall = { signal, metadata: call.metadata.getMap(), data: decodeRequest(signal, call.request) };
        const n = s.calls.length;
        s.calls.push(c);
        void Promise.resolve(s.reply(c, n)).then((r) => {
          if (r && 'code' in r) {
            const metadata = new grpc.Metadata();
            if (r.statusDetails) metadata.set('grpc-status-details-bin', Buffer.from(r.statusDetails));
            cb({ code: r.code, details: r.details ?? '', metadata });
          } else {
            cb(null, Buffer.from(encodeResponse(signal, r?.partial)));
          }
        });
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${opts.port ?? 0}`,
      opts.credentials ?? grpc.ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  s.address = `127.0.0.1:${port}`;
  s.close = () =>
    new Promise<void>((resolve) => {
      server.forceShutdown();
      resolve();
    });
  return s;
}

export interface WireCall {
  path: string;
  headers: http2.IncomingHttpHeaders;
  /** The message's compressed flag (the byte before its length). */
  compressed: boolean;
  /** The message, decompressed. */
  message: Buffer;
}

/** A plain-text HTTP/2 server answering every gRPC call with OK and an empty response. */
export async function startWireServer(): Promise<{ address: string; calls: WireCall[]; close(): Promise<void> }> {
  const calls: WireCall[] = [];
  const server = http2.createServer();
  server.on('stream', (stream: http2.ServerHttp2Stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const frame = Buffer.concat(chunks);
      const compressed = frame[0] === 1;
      const payload = frame.subarray(5, 5 + frame.readUInt32BE(1));
      calls.push({
        path: String(headers[':path']),
        headers,
        compressed,
        message: compressed ? gunzipSync(payload) : payload,
      });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  const address = `127.0.0.1:${(await listen(server, { host: '127.0.0.1', port: 0 })).port}`;
  return { address, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** google.rpc.Status with a RetryInfo detail (retry_delay in ms, or none). */
export function statusWithRetryInfo(code: number, delayMs?: number): Uint8Array {
  const info = protobuf.Writer.create();
  if (delayMs !== undefined)
    info
      .uint32(10)
      .fork()
      .uint32(8)
      .int64(Math.floor(delayMs / 1000))
      .uint32(16)
      .int32((delayMs % 1000) * 1e6)
      .ldelim();
  const w = protobuf.Writer.create().uint32(8).int32(code).uint32(18).string('slow down');
  w.uint32(26).fork().uint32(10).string(RETRY_INFO_TYPE).uint32(18).bytes(info.finish()).ldelim();
  return w.finish();
}
