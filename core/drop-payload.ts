// How a dropped item's payload is shown in a sample (core/drop-samples.ts): decoded as UTF-8 text, the values of
// configured keys redacted, then cut to payload_bytes; base64 of the first bytes when it is not text.
import type { DropSample, DropSampleLimits } from './drop-samples.ts';

export const REDACTED = '[REDACTED]';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Built once per key list: a flood of drops would otherwise compile two expressions per sample.
let compiled: { keys: readonly string[]; json: RegExp; pairs: RegExp } | undefined;

function patterns(keys: readonly string[]): { json: RegExp; pairs: RegExp } {
  if (compiled?.keys === keys) return compiled;
  const names = keys.map(escapeRe).join('|');
  // "key": "value" (the value may be cut off at the end), "key": 123, key=value.
  const json = new RegExp(`("(?:${names})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*(?:"|$)|[^,}\\]\\s]+)`, 'gi');
  const pairs = new RegExp(`(\\b(?:${names})\\s*=\\s*)([^\\s&;,]+)`, 'gi');
  compiled = { keys, json, pairs };
  return compiled;
}

/** Redacts the values of `keys` in JSON text (also cut or invalid JSON) and in key=value text. */
export function redactText(text: string, keys: readonly string[]): string {
  if (keys.length === 0) return text;
  const { json, pairs } = patterns(keys);
  return text.replace(json, `$1"${REDACTED}"`).replace(pairs, `$1${REDACTED}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes read past payload_bytes, so a key just before the cut still has its value redacted. */
export const REDACT_LOOKAHEAD = 1024;

/** The payload as shown: text redacted then cut, or the first bytes in base64 when it is not UTF-8. */
export function payloadSample(
  head: Uint8Array,
  total: number,
  limits: DropSampleLimits,
): Pick<DropSample, 'payload' | 'payload_encoding' | 'payload_bytes' | 'truncated'> {
  let text: string | undefined;
  try {
    text = utf8.decode(head, { stream: head.length < total });
  } catch {
    text = undefined;
  }
  const truncated = total > limits.payload_bytes;
  if (text === undefined) {
    const b64 = Buffer.from(head.subarray(0, limits.payload_bytes)).toString('base64');
    return { payload: b64, payload_encoding: 'base64', payload_bytes: total, truncated };
  }
  const redacted = redactText(text, limits.redact_keys);
  const cut = Buffer.from(redacted)
    .subarray(0, limits.payload_bytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return {
    payload: cut,
    payload_encoding: 'utf8',
    payload_bytes: total,
    truncated: truncated || cut.length < redacted.length,
  };
}
