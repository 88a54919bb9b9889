// Lone surrogates out of every string the hub encodes (see WellFormedWriter in proto-write.ts and encodeRequestJson),
// counted for the whole process: otelhub_encoder_malformed_strings_total.
let replaced = 0;

/** `s` with lone surrogates replaced by U+FFFD; counts each string that needed it. */
export function wellFormed(s: string): string {
  if (s.isWellFormed()) return s;
  replaced++;
  return s.toWellFormed();
}

/** Strings encoded so far that had lone surrogates replaced. */
export function malformedStringsReplaced(): number {
  return replaced;
}
