// W3C Trace Context (https://www.w3.org/TR/trace-context/) as MQTT v5 user properties, the way the W3C's MQTT
// binding and OpenTelemetry's MQTT instrumentations carry it: `traceparent` and `tracestate`.
import type { Message } from '../../core/pdata/index.ts';
import { fromHex, userProperty } from '../../core/pdata/index.ts';

// tracestate limits from the spec: at most 32 list-members; 512 characters (commas counted, OWS not) is what a vendor
// should propagate at least and may truncate at. Here a longer one is dropped whole, which the spec also allows
// (simpler than its truncation order), so a 64 KB property never goes onto every span.
const MAX_MEMBERS = 32;
const MAX_TRACESTATE_LENGTH = 512;
// key = simple-key / tenant-id "@" system-id; value = 1 to 256 printable ASCII characters other than ',' and '=',
// the last not a space (the spec's 0*255chr nblk-chr).
const KEY = /^(?:[a-z0-9][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

export interface RemoteParent {
  /** 16 bytes. */
  traceId: Uint8Array;
  /** 8 bytes: the span that published the message. */
  parentSpanId: Uint8Array;
  sampled: boolean;
  /** The `tracestate` properties combined and checked (see parseTracestate), or ''. */
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

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** `s` without the spaces and tabs around it. By hand: a `[ \t]+$` regex is quadratic on a long run of spaces. */
function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isOws(s.charCodeAt(start))) start++;
  while (end > start && isOws(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function validMember(member: string): boolean {
  const eq = member.indexOf('=');
  return eq > 0 && KEY.test(member.slice(0, eq)) && VALUE.test(member.slice(eq + 1));
}

/**
 * The `tracestate` values of one message, combined as the spec combines repeated headers (joined with ','), with
 * the optional whitespace around list-members trimmed and empty members left out; '' when any member is malformed,
 * there are more than 32, or the result is longer than 512 characters. The spec lets a vendor discard a tracestate
 * it cannot use while keeping the traceparent, which is what happens then.
 */
export function parseTracestate(values: readonly string[]): string {
  const members: string[] = [];
  let length = -1;
  for (const value of values) {
    for (const raw of value.split(',')) {
      const member = trimOws(raw);
      if (member === '') continue;
      // The combined length counts the separating commas but not the whitespace trimmed away, as the spec does.
      length += member.length + 1;
      if (members.length === MAX_MEMBERS || length > MAX_TRACESTATE_LENGTH || !validMember(member)) return '';
      members.push(member);
    }
  }
  return members.join(',');
}

/** The message's remote parent: from its first `traceparent` property, with all its `tracestate` properties. */
export function remoteParent(m: Message): RemoteParent | undefined {
  // Most messages carry no user properties at all.
  if (m.properties.userProperties.length === 0) return undefined;
  const tp = userProperty(m, 'traceparent');
  if (tp === undefined) return undefined;
  const parent = parseTraceparent(tp);
  if (!parent) return undefined;
  const states = m.properties.userProperties.filter(([k]) => k === 'tracestate').map(([, v]) => v);
  return { ...parent, traceState: parseTracestate(states) };
}
