// W3C Trace Context (https://www.w3.org/TR/trace-context/) as MQTT v5 user properties, the way the W3C's MQTT
// binding and OpenTelemetry's MQTT instrumentations carry it: `traceparent` and `tracestate`.
import type { Message } from '../../core/pdata/index.ts';
import { fromHex, userProperty } from '../../core/pdata/index.ts';

export interface RemoteParent {
  /** 16 bytes. */
  traceId: Uint8Array;
  /** 8 bytes: the span that published the message. */
  parentSpanId: Uint8Array;
  sampled: boolean;
  /** The `tracestate` property as it came, or ''. */
  traceState: string;
}

const HEX = /^[0-9a-f]+$/;
/** version-traceid-parentid-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
const V00_LENGTH = 55;

function allZero(hex: string): boolean {
  return /^0+$/.test(hex);
}

/** The parent a `traceparent` value names, or undefined when it is not valid (then it is ignored, as the spec asks). */
export function parseTraceparent(value: string): Omit<RemoteParent, 'traceState'> | undefined {
  const v = value.trim();
  if (v.length < V00_LENGTH) return undefined;
  const version = v.slice(0, 2);
  if (!HEX.test(version) || version === 'ff') return undefined;
  // Version 00 is exactly 55 characters; a later version may append fields after a dash, which a 00 parser skips.
  if (version === '00' ? v.length !== V00_LENGTH : v.length > V00_LENGTH && v[V00_LENGTH] !== '-') return undefined;
  if (v[2] !== '-' || v[35] !== '-' || v[52] !== '-') return undefined;
  const traceId = v.slice(3, 35);
  const parentId = v.slice(36, 52);
  const flags = v.slice(53, 55);
  // Lower case only: the spec forbids upper-case hex here.
  if (!HEX.test(traceId) || !HEX.test(parentId) || !HEX.test(flags)) return undefined;
  if (allZero(traceId) || allZero(parentId)) return undefined;
  return { traceId: fromHex(traceId), parentSpanId: fromHex(parentId), sampled: (parseInt(flags, 16) & 0x01) === 1 };
}

/** The message's remote parent: from its first `traceparent` property, with its first `tracestate`. */
export function remoteParent(m: Message): RemoteParent | undefined {
  const tp = userProperty(m, 'traceparent');
  if (tp === undefined) return undefined;
  const parent = parseTraceparent(tp);
  if (!parent) return undefined;
  return { ...parent, traceState: userProperty(m, 'tracestate')?.trim() ?? '' };
}
