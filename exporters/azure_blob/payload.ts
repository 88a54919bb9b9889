// What one request becomes in a blob: OTLP JSON or protobuf (or what the signal's encoding extension makes of it),
// then compressed. With append blobs the separator goes after each request's bytes, before compression, so the
// blob stays one stream of records once decompressed (gzip members and zstd frames concatenate).
import { promisify } from 'node:util';
import { gzip, zstdCompress } from 'node:zlib';
import type { Host } from '../../core/component.ts';
import type { Marshal } from '../../core/encoding.ts';
import { encodingMarshaler } from '../../core/encoding.ts';
import { errorMessage, permanentError } from '../../core/errors.ts';
import type { PipelineType, SignalDataMap } from '../../core/pdata/index.ts';
import { encodeRequest, encodeRequestJson } from '../../otlp/index.ts';
import type { AzureBlobConfig } from './config.ts';

const gzipAsync = promisify(gzip);
const zstdAsync = promisify(zstdCompress);

const CONTENT_TYPE = { json: 'application/json', proto: 'application/x-protobuf' } as const;

type Marshalers = { [S in PipelineType]: Marshal<S> };

export interface Payload {
  bytes: Uint8Array;
  contentType: string;
}

export class PayloadEncoder {
  private marshalers: Marshalers | undefined;

  constructor(private readonly cfg: AzureBlobConfig) {}

  /** Finds the encoding extensions: one named but missing or unable to encode its signal fails the start. */
  start(host: Host | undefined): void {
    const own = <S extends PipelineType>(signal: S): Marshal<S> => {
      const id = this.cfg.encodings[signal];
      if (id === undefined) {
        return this.cfg.format === 'json'
          ? (d) => Buffer.from(encodeRequestJson(signal, d))
          : (d) => encodeRequest(signal, d);
      }
      if (!host) throw new Error(`encodings.${signal}: no host to find extension "${id}" in`);
      return encodingMarshaler(host, id, signal);
    };
    this.marshalers = { logs: own('logs'), metrics: own('metrics'), traces: own('traces') };
  }

  contentType(signal: PipelineType): string {
    return this.cfg.encodings[signal] === undefined ? CONTENT_TYPE[this.cfg.format] : 'application/octet-stream';
  }

  async encode<S extends PipelineType>(signal: S, data: SignalDataMap[S]): Promise<Payload> {
    const m = this.marshalers?.[signal] as Marshal<S> | undefined;
    if (!m) throw new Error('exporter is not started');
    let bytes: Uint8Array;
    try {
      bytes = m(data);
    } catch (err) {
      throw permanentError(`cannot encode ${signal}: ${errorMessage(err)}`, err);
    }
    if (this.cfg.append_blob.enabled && this.cfg.append_blob.separator !== '')
      bytes = Buffer.concat([bytes, Buffer.from(this.cfg.append_blob.separator)]);
    if (this.cfg.compression === 'gzip') bytes = await gzipAsync(bytes);
    else if (this.cfg.compression === 'zstd') bytes = await zstdAsync(bytes);
    return { bytes, contentType: this.contentType(signal) };
  }
}
