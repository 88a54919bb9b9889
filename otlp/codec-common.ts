// What the protobuf and JSON codecs share with their callers. Kept out of index.ts, which re-exports the codecs,
// so that the codecs do not import the module that imports them.

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
