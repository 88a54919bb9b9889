// OTLP wire formats, shared by the otlp receiver and the otlp / otlphttp exporters: protobuf and JSON
// encode/decode of Export{Trace,Metrics,Logs}Service{Request,Response}, mapped to and from pdata.

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

export { encodeRequest, decodeRequest, encodeResponse, decodeResponse } from './proto-codec.ts';
export { encodeRequestJson, decodeRequestJson, encodeResponseJson, decodeResponseJson } from './json-codec.ts';
export { GRPC_SERVICE_NAMES, exportMethodPath, exportService } from './grpc-service.ts';
