// One request, one upload: a block blob per request, or an append to the signal's append blob (created when it is
// missing). The SDK's own retries are off: the exporter's retry_on_failure and sending_queue decide, as for every
// exporter. Errors say whether trying again may help.
import type { ContainerClient } from '@azure/storage-blob';
import type { BlobServiceClient } from '@azure/storage-blob';
import { isRestError } from '@azure/storage-blob';
import type { Host } from '../../core/component.ts';
import { errorMessage, permanentError, retryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { Transport } from '../helper/base-exporter.ts';
import type { ExportData, SendResult } from '../helper/send.ts';
import { BlobNamer } from './blob-name.ts';
import type { AzureBlobConfig } from './config.ts';
import { errorKind, serviceClient } from './credential.ts';
import { PayloadEncoder } from './payload.ts';

/** The most one Append Block call may carry in every service version (newer ones take 100 MiB). */
export const MAX_APPEND_BLOCK_BYTES = 4 * 1024 * 1024;

export class BlobTransport implements Transport {
  private service: BlobServiceClient | undefined;
  private readonly containers = new Map<PipelineType, ContainerClient>();
  /** The last append to each blob (container/name), so the next waits for it. */
  private readonly appending = new Map<string, Promise<void>>();
  private readonly encoder: PayloadEncoder;
  private readonly namer: BlobNamer;

  constructor(
    private readonly cfg: AzureBlobConfig,
    private readonly logger: Logger,
  ) {
    this.encoder = new PayloadEncoder(cfg);
    this.namer = new BlobNamer(cfg.blob_name_format, cfg.compression, logger);
  }

  start(host?: Host): Promise<void> {
    this.encoder.start(host);
    this.service = serviceClient(this.cfg);
    return Promise.resolve();
  }

  private container(signal: PipelineType): ContainerClient {
    let c = this.containers.get(signal);
    if (!c) {
      if (!this.service) throw retryableError('exporter is not started');
      c = this.service.getContainerClient(this.cfg.container[signal]);
      this.containers.set(signal, c);
    }
    return c;
  }

  async send(data: ExportData, signal: PipelineType): Promise<SendResult> {
    const { bytes, contentType } = await this.encoder.encode(signal, data);
    const container = this.container(signal);
    const name = this.namer.name(signal, Date.now(), data);
    const headers = { blobHTTPHeaders: { blobContentType: contentType } };
    try {
      if (this.cfg.append_blob.enabled)
        await this.inTurn(`${container.containerName}/${name}`, () =>
          this.append(container, name, bytes, AbortSignal.timeout(this.cfg.timeout), headers),
        );
      else
        await container
          .getBlockBlobClient(name)
          // Never over an existing blob: two requests given the same name (a fixed format without serial numbers)
          // would otherwise lose the first silently.
          .uploadData(bytes, {
            abortSignal: AbortSignal.timeout(this.cfg.timeout),
            conditions: { ifNoneMatch: '*' },
            ...headers,
          });
    } catch (err) {
      throw this.failure(err, container.containerName, name);
    }
    this.logger.debug('uploaded to Azure Blob Storage', {
      container: container.containerName,
      blob: name,
      bytes: bytes.length,
    });
    return {};
  }

  /**
   * Appends to one blob one request at a time (the sending queue runs several consumers): a request of more than one
   * block stays contiguous, never interleaved with another's. Each waits its turn before its timeout starts.
   */
  private async inTurn(key: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.appending.get(key) ?? Promise.resolve();
    const mine = prev.then(fn, fn);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.appending.set(key, settled);
    try {
      await mine;
    } finally {
      if (this.appending.get(key) === settled) this.appending.delete(key);
    }
  }

  private async append(
    container: ContainerClient,
    name: string,
    bytes: Uint8Array,
    abortSignal: AbortSignal,
    headers: { blobHTTPHeaders: { blobContentType: string } },
  ): Promise<void> {
    const blob = container.getAppendBlobClient(name);
    // Creating first costs one request per send; appending first and creating on BlobNotFound (as the Collector)
    // costs it only once per blob.
    for (let off = 0; off < bytes.length; off += MAX_APPEND_BLOCK_BYTES) {
      const chunk = bytes.subarray(off, off + MAX_APPEND_BLOCK_BYTES);
      try {
        await blob.appendBlock(chunk, chunk.length, { abortSignal });
      } catch (err) {
        if (!isRestError(err) || err.code !== 'BlobNotFound') throw err;
        await blob.createIfNotExists({ abortSignal, ...headers });
        await blob.appendBlock(chunk, chunk.length, { abortSignal });
      }
    }
  }

  private failure(err: unknown, container: string, blob: string): Error {
    if (
      err instanceof Error &&
      /^(AuthenticationError|AuthenticationRequiredError|CredentialUnavailableError)$/.test(err.name)
    ) {
      // Entra ID or the managed identity endpoint refused or could not be reached; its text names no secret.
      return retryableError(`cannot get a token for the storage account: ${err.message.split('\n')[0] ?? ''}`, {
        auth: true,
        cause: err,
      });
    }
    if (!isRestError(err) || err.statusCode === undefined) {
      // Refused, reset, timed out: the account may be reachable later.
      const why =
        err instanceof Error && err.name === 'AbortError' ? `no answer within ${this.cfg.timeout}ms` : errorKind(err);
      return retryableError(`upload of ${container}/${blob} failed: ${why}`, { cause: err });
    }
    const status = err.statusCode;
    const code = err.code ?? '';
    const where = `${container}/${blob}`;
    if (code === 'BlobAlreadyExists' || (status === 409 && !this.cfg.append_blob.enabled && code === ''))
      // Retryable: the name is made again for the next attempt, and a time in it will have moved on.
      return retryableError(
        `blob ${where} exists already and is not overwritten: give blob_name_format a serial number or a finer time, or use append_blob`,
        { cause: err },
      );
    if (code === 'ContainerNotFound')
      // Retryable, as in the Collector: with a sending queue the data waits until someone creates the container.
      return retryableError(
        `container "${container}" does not exist in the storage account: create it (the exporter does not create containers)`,
        { cause: err },
      );
    if (status === 401 || status === 403)
      return retryableError(`the storage account refused the credentials for ${where} (${status} ${code})`, {
        auth: true,
        cause: err,
      });
    if (status === 408 || status === 429 || status >= 500)
      return retryableError(`upload of ${where} failed: ${status} ${code}`, {
        throttled: status === 429 || status === 503,
        cause: err,
      });
    // 400, 409 (an append blob at 50,000 blocks or 195 GiB, a block blob where an append blob is wanted), 413: the
    // same request would be refused again.
    return permanentError(
      `upload of ${where} refused: ${status} ${code} ${errorMessage(err).split('\n')[0] ?? ''}`.trim(),
      err,
    );
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
