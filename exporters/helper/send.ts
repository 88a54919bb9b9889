// The shape every stage of an exporter shares, so a transport, the retry decorator and the queue stack freely (as
// opentelemetry-js composes transport × serializer × retry): each stage is a function from a request to its result.
import type { PartialSuccess } from '../../otlp/index.ts';
import type { ConsumeContext } from '../../core/consumer.ts';
import type { PipelineType, SignalDataMap } from '../../core/pdata/index.ts';

export type ExportData = SignalDataMap[PipelineType];

export interface SendResult {
  /** The destination accepted the request but rejected part of it (OTLP partial_success). */
  partialSuccess?: PartialSuccess;
}

/**
 * Sends one request. Resolves once the destination accepted it; rejects with a ConsumerError saying whether
 * trying again may help (retryable) or not (permanent). `ctx` is the consume's: its deadline bounds retries, and
 * its signal withdraws a request not sent yet.
 */
export type Send = (data: ExportData, signal: PipelineType, ctx?: ConsumeContext) => Promise<SendResult>;
