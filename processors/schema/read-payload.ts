// From payload bytes to a JSON value plus the source text of its numbers (processors/helper/raw-numbers.ts), or the reason it
// cannot be read. The error messages never quote the payload: it may be large or sensitive.
import { rawNumbers } from '../helper/raw-numbers.ts';

export interface Payload {
  value: unknown;
  /** Source text of number literals down to `/metrics/0/value`, by JSON pointer; not of plain integers up to 15 digits,
   * whose `String(value)` is the same text (rawNumbers' inexactOnly). */
  raw: ReadonlyMap<string, string>;
}

export type ReadResult =
  | { ok: true; payload: Payload }
  | { ok: false; reason: 'not_utf8' | 'invalid_json'; message: string };

/** `/metrics/0/timestamp` is three levels deep: nothing the converter reads is deeper. */
const RAW_DEPTH = 3;

// fatal: a payload with invalid UTF-8 is refused rather than decoded with U+FFFD in place of the bad bytes, which
// would turn corrupt data into plausible-looking strings. A leading byte order mark is skipped (the decoder's default).
const decoder = new TextDecoder('utf-8', { fatal: true });

export function readPayload(bytes: Uint8Array): ReadResult {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: 'not_utf8', message: 'payload is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's messages quote a few characters around the error position; keep only the position.
    const at = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    return {
      ok: false,
      reason: 'invalid_json',
      message: at ? `payload is not JSON (error at character ${at[1]})` : 'payload is not JSON',
    };
  }
  return { ok: true, payload: { value, raw: rawNumbers(text, RAW_DEPTH, { inexactOnly: true }) } };
}
