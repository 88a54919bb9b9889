// OTLP wire formats, shared by the otlp receiver and the otlp / otlphttp exporters.
// Being written (issue 3): protobuf and JSON encode/decode of Export{Trace,Metrics,Logs}Service{Request,Response}.
import type { PipelineType, SignalDataMap } from '../core/pdata/index.ts';

/** ExportXServiceResponse.partial_success: what the server rejected of an accepted request. */
export interface PartialSuccess {
  /** rejected_spans / rejected_data_points / rejected_log_records. */
  rejected: number;
  errorMessage: string;
}

/** A payload that is not a valid OTLP message: answered 400 / INVALID_ARGUMENT. */
export class OtlpDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }
}

type Data<S extends PipelineType> = SignalDataMap[S];

export declare function encodeRequest<S extends PipelineType>(signal: S, data: Data<S>): Uint8Array;
export declare function decodeRequest<S extends PipelineType>(signal: S, bytes: Uint8Array): Data<S>;
export declare function encodeResponse(signal: PipelineType, partial?: PartialSuccess): Uint8Array;
export declare function decodeResponse(signal: PipelineType, bytes: Uint8Array): PartialSuccess | undefined;
export declare function encodeRequestJson<S extends PipelineType>(signal: S, data: Data<S>): string;
export declare function decodeRequestJson<S extends PipelineType>(signal: S, text: string): Data<S>;
export declare function encodeResponseJson(signal: PipelineType, partial?: PartialSuccess): string;
export declare function decodeResponseJson(signal: PipelineType, text: string): PartialSuccess | undefined;
