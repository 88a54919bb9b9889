// google.rpc.Status, as OTLP servers send it with a failure: the body of an HTTP error, or gRPC's
// `grpc-status-details-bin` trailer. Only what an exporter acts on is decoded: the message, and the delay of a
// google.rpc.RetryInfo detail (which makes RESOURCE_EXHAUSTED retryable).
import protobuf from 'protobufjs/minimal.js';
import type { Reader } from 'protobufjs/minimal.js';

export const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

function reader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
}

/** Reads fields until `end`, calling `field` for each; unknown fields are skipped. */
function readFields(r: Reader, end: number, field: (no: number, wireType: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!field(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

/** Throws on bytes that are not a Status. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus {
  const r = reader(bytes);
  const s: RpcStatus = { code: 0, message: '', details: [] };
  readFields(r, r.len, (no, wt) => {
    if (no === 1 && wt === 0) s.code = r.int32();
    else if (no === 2 && wt === 2) s.message = r.string();
    else if (no === 3 && wt === 2) {
      const end = r.uint32() + r.pos;
      const any: { typeUrl: string; value: Uint8Array } = { typeUrl: '', value: new Uint8Array() };
      readFields(r, end, (n, w) => {
        if (n === 1 && w === 2) any.typeUrl = r.string();
        else if (n === 2 && w === 2) any.value = r.bytes();
        else return false;
        return true;
      });
      s.details.push(any);
    } else return false;
    return true;
  });
  return s;
}

/** RetryInfo's retry_delay in milliseconds (0 when unset); undefined when the status carries no RetryInfo. */
export function retryInfoDelayMs(status: RpcStatus): number | undefined {
  const info = status.details.find((d) => d.typeUrl === RETRY_INFO_TYPE);
  if (!info) return undefined;
  const r = reader(info.value);
  let ms = 0;
  readFields(r, r.len, (no, wt) => {
    if (no !== 1 || wt !== 2) return false;
    const end = r.uint32() + r.pos;
    let seconds = 0;
    let nanos = 0;
    readFields(r, end, (n, w) => {
      // int64() gives long.js's Long when that package is present and a number otherwise; LongBits reads either.
      if (n === 1 && w === 0) seconds = protobuf.util.LongBits.from(r.int64()).toNumber();
      else if (n === 2 && w === 0) nanos = r.int32();
      else return false;
      return true;
    });
    ms = Math.max(0, seconds * 1000 + nanos / 1e6);
    return true;
  });
  return ms;
}
