// OTLP/gRPC with a generic grpc-js client: our codec's bytes go out as they are (identity serializers) on the three
// OTLP service methods, so no generated stubs or .proto loading are needed at run time.
import * as grpc from '@grpc/grpc-js';
import { grpcChannelCredentials } from '../../config/blocks/tls-grpc.ts';
import { errorMessage, permanentError, retryableError } from '../../core/errors.ts';
import { otelhubUserAgent } from '../../core/version.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { decodeResponse, encodeRequest, exportMethodPath } from '../../otlp/index.ts';
import type { Transport } from '../helper/base-exporter.ts';
import { RequestSizeBound } from '../helper/request-size.ts';
import type { ExportData, SendResult } from '../helper/send.ts';
import type { OtlpConfig } from './config.ts';
import { parseGrpcEndpoint } from './endpoint.ts';
import { grpcFailure } from './status.ts';

/** As the Collector's otlp_grpc exporter sends it, with otelhub's name and version (grpc-js appends its own). */
export const USER_AGENT = otelhubUserAgent();
const MAX_RECONNECT_BACKOFF_MS = 5_000;

const toBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const identity = (b: Buffer): Buffer => b;

export class GrpcTransport implements Transport {
  private client: grpc.Client | undefined;

  private readonly bound: RequestSizeBound;

  constructor(private readonly cfg: OtlpConfig) {
    this.bound = new RequestSizeBound(cfg.max_request_bytes);
  }

  async start(): Promise<void> {
    const { target, security } = parseGrpcEndpoint(this.cfg.endpoint);
    const tls =
      security === 'plaintext'
        ? { credentials: grpc.credentials.createInsecure(), channelOptions: {} }
        : await grpcChannelCredentials(security === 'tls' ? { ...this.cfg.tls, insecure: false } : this.cfg.tls);
    const options: grpc.ChannelOptions = {
      ...tls.channelOptions,
      'grpc.primary_user_agent': USER_AGENT,
      // grpc-js backs off reconnecting up to 2 minutes and fails calls meanwhile: a destination that is back would
      // go unnoticed that long, whatever retry_on_failure says.
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
    };
    if (this.cfg.compression === 'gzip')
      options['grpc.default_compression_algorithm'] = grpc.compressionAlgorithms.gzip;
    this.client = new grpc.Client(target, tls.credentials, options);
  }

  async send(data: ExportData, signal: PipelineType, authHeaders: Record<string, string>): Promise<SendResult> {
    const client = this.client;
    if (!client) throw retryableError('exporter is not started');
    const expected = this.bound.beforeEncoding(signal, data);
    let body: Buffer;
    try {
      body = toBuffer(encodeRequest(signal, data, expected));
    } catch (err) {
      throw permanentError(`cannot encode ${signal}: ${errorMessage(err)}`, err);
    }
    this.bound.afterEncoding(signal, data, body.length);
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries({ ...this.cfg.headers, ...authHeaders })) metadata.set(k, v);
    const response = await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(
        exportMethodPath(signal),
        toBuffer,
        identity,
        body,
        metadata,
        { deadline: Date.now() + this.cfg.timeout },
        (err, res) => {
          if (err) reject(grpcFailure(this.cfg.endpoint, err));
          else resolve(res ?? Buffer.alloc(0));
        },
      );
    });
    try {
      const partialSuccess = decodeResponse(signal, response);
      return partialSuccess ? { partialSuccess } : {};
    } catch {
      // The server took the request; an unreadable response does not change that.
      return {};
    }
  }

  shutdown(): Promise<void> {
    this.client?.close();
    return Promise.resolve();
  }
}
