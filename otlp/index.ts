// OTLP wire formats, shared by the otlp receiver and the otlp_grpc / otlp_http exporters: protobuf and JSON
// encode/decode of Export{Trace,Metrics,Logs}Service{Request,Response}, mapped to and from pdata.

export type { PartialSuccess } from './codec-common.ts';
export { OtlpDecodeError } from './codec-common.ts';
export {
  encodeRequest,
  encodeRequestChunks,
  decodeRequest,
  receiveRequest,
  encodeResponse,
  decodeResponse,
} from './proto-codec.ts';
export { preEncoded } from './proto-common.ts';
export { encodeRequestJson, decodeRequestJson, encodeResponseJson, decodeResponseJson } from './json-codec.ts';
export { JsonDepthScan, MAX_JSON_DEPTH } from './json-depth.ts';
export { GRPC_SERVICE_NAMES, exportMethodPath, exportService } from './grpc-service.ts';
