// The text_encoding extension: log bodies as lines of text in a character set, and text back into log records
// (one per piece between separators), as the Collector's textencodingextension.
import type { Extension } from '../../core/component.ts';
import type { LogsMarshaler, LogsUnmarshaler } from '../../core/encoding.ts';
import type { Logs } from '../../core/pdata/index.ts';
import { forEachLogRecord, logRecord, logs, nowUnixNano } from '../../core/pdata/index.ts';
import { bodyText } from './body-text.ts';
import { decodeText, encodeText } from './charset.ts';
import type { Charset, TextEncodingConfig } from './config.ts';
import { ENCODINGS } from './config.ts';

export class TextEncoding implements Extension, LogsMarshaler, LogsUnmarshaler {
  private readonly charset: Charset;
  private readonly split: RegExp | undefined;

  constructor(private readonly cfg: TextEncodingConfig) {
    this.charset = ENCODINGS[cfg.encoding];
    this.split = cfg.unmarshaling_separator === '' ? undefined : new RegExp(cfg.unmarshaling_separator, 'u');
  }

  /** Nothing to release: the extension holds no resources. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** Every record's body, the separator between two of them (none after the last, as the Collector). */
  marshalLogs(data: Logs): Uint8Array {
    const bodies: string[] = [];
    forEachLogRecord(data, (r) => bodies.push(bodyText(r.body)));
    return encodeText(bodies.join(this.cfg.marshaling_separator), this.charset);
  }

  /** One record per piece of text between separators; a separator ending the text ends the last record. */
  unmarshalLogs(bytes: Uint8Array): Logs {
    const text = decodeText(bytes, this.charset);
    const pieces = this.split ? text.split(this.split) : [text];
    if (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
    const now = nowUnixNano();
    return logs(pieces.map((p) => logRecord({ body: { stringValue: p }, observedTimeUnixNano: now })));
  }
}
