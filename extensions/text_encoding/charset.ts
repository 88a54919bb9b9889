// Text to bytes and back in the configured character set. Characters the set cannot hold are written as 0x1A
// (SUB), as Go's x/text encoders do; bytes that are not valid text read as U+FFFD.
import type { Charset } from './config.ts';

const SUB = 0x1a;

function narrow(text: string, max: number): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? SUB;
    out[n++] = cp <= max ? cp : SUB;
  }
  return out.subarray(0, n);
}

export function encodeText(text: string, charset: Charset): Uint8Array {
  switch (charset) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16be':
      return Buffer.from(text, 'utf16le').swap16();
    case 'ascii':
      return narrow(text, 0x7f);
    case 'latin1':
      return narrow(text, 0xff);
  }
}

export function decodeText(bytes: Uint8Array, charset: Charset): string {
  switch (charset) {
    case 'utf8':
      return new TextDecoder('utf-8').decode(bytes);
    case 'utf16le':
      return new TextDecoder('utf-16le').decode(bytes);
    case 'utf16be':
      return new TextDecoder('utf-16be').decode(bytes);
    case 'ascii':
      return Array.from(bytes, (b) => (b <= 0x7f ? String.fromCharCode(b) : '\ufffd')).join('');
    case 'latin1':
      // TextDecoder's 'latin1' is windows-1252; Buffer's is ISO-8859-1, what the name promises.
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
