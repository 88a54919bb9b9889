import type { ConfigIssue, ConfigSchema } from '../../core/component.ts';

export const DEFAULT_ENCODING = 'utf8';
export const DEFAULT_MARSHALING_SEPARATOR = '\n';
export const DEFAULT_UNMARSHALING_SEPARATOR = '\\r?\\n';

/** The character sets `encoding` names, with the Collector's spellings; the value is the canonical one. */
export const ENCODINGS = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  // The Collector's utf8-raw keeps invalid bytes; a JavaScript string cannot, so they read as U+FFFD as with utf8.
  'utf8-raw': 'utf8',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
  utf16be: 'utf16be',
  'utf-16be': 'utf16be',
  ascii: 'ascii',
  'us-ascii': 'ascii',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
} as const;
export type Charset = (typeof ENCODINGS)[keyof typeof ENCODINGS];

export interface TextEncodingConfig {
  encoding: keyof typeof ENCODINGS;
  /** Written between two log bodies when encoding. */
  marshaling_separator: string;
  /** A regular expression splitting decoded text into log bodies; empty: the whole text is one body. */
  unmarshaling_separator: string;
}

export const textEncodingConfigSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    encoding: { type: 'string', enum: Object.keys(ENCODINGS), default: DEFAULT_ENCODING },
    marshaling_separator: { type: 'string', default: DEFAULT_MARSHALING_SEPARATOR },
    unmarshaling_separator: { type: 'string', default: DEFAULT_UNMARSHALING_SEPARATOR },
  },
};

export function validateTextEncodingConfig(cfg: TextEncodingConfig): ConfigIssue[] {
  try {
    new RegExp(cfg.unmarshaling_separator, 'u');
  } catch (err) {
    return [
      {
        path: ['unmarshaling_separator'],
        message: `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`,
      },
    ];
  }
  // A separator matching the empty string would split between every character.
  if (cfg.unmarshaling_separator !== '' && new RegExp(cfg.unmarshaling_separator, 'u').test('')) {
    return [{ path: ['unmarshaling_separator'], message: 'must not match the empty string' }];
  }
  return [];
}
