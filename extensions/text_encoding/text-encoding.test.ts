import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import type { Logs } from '../../core/pdata/index.ts';
import { anyValue, forEachLogRecord, logRecord, logs } from '../../core/pdata/index.ts';
import type { TextEncodingConfig } from './config.ts';
import { textEncodingFactory } from './factory.ts';
import { TextEncoding } from './text-encoding.ts';

function encoding(raw: Record<string, unknown> = {}): TextEncoding {
  const { value, issues } = validateConfig(textEncodingFactory.configSchema, raw);
  assert.deepEqual(issues, []);
  assert.deepEqual(textEncodingFactory.validate?.(value as TextEncodingConfig), []);
  return new TextEncoding(value as TextEncodingConfig);
}

const bodies = (ld: Logs): unknown[] => {
  const out: unknown[] = [];
  forEachLogRecord(ld, (r) => out.push(r.body));
  return out;
};

describe('text_encoding', () => {
  it('defaults as the Collector: utf8, "\\n" between bodies, "\\r?\\n" to split', () => {
    const { value } = validateConfig(textEncodingFactory.configSchema, {});
    assert.deepEqual(value, { encoding: 'utf8', marshaling_separator: '\n', unmarshaling_separator: '\\r?\\n' });
  });

  it('writes one body per line, every body type as the Collector spells it', () => {
    const ld = logs(
      ['plain', 42n, 1.5, true, new Uint8Array([1, 2, 255]), { a: 1n, b: ['x', false] }, null, 'héllo ☃'].map((v) =>
        logRecord({ body: anyValue(v) }),
      ),
    );
    const text = Buffer.from(encoding().marshalLogs(ld)).toString('utf8');
    assert.equal(text, 'plain\n42\n1.5\ntrue\nAQL/\n{"a":1,"b":["x",false]}\n\nhéllo ☃');
  });

  it('reads lines back into one record per line, CRLF or LF, a final newline ending the last', () => {
    const ld = encoding().unmarshalLogs(Buffer.from('one\r\ntwo\n\nfour\n'));
    assert.deepEqual(bodies(ld), [
      { stringValue: 'one' },
      { stringValue: 'two' },
      { stringValue: '' },
      { stringValue: 'four' },
    ]);
  });

  it('round-trips in UTF-16 big endian with its own separator', () => {
    const enc = encoding({ encoding: 'utf-16be', marshaling_separator: '|', unmarshaling_separator: '\\|' });
    const bytes = enc.marshalLogs(logs([logRecord({ body: anyValue('ä') }), logRecord({ body: anyValue('b') })]));
    assert.deepEqual([...bytes], [0x00, 0xe4, 0x00, 0x7c, 0x00, 0x62]);
    assert.deepEqual(bodies(enc.unmarshalLogs(bytes)), [{ stringValue: 'ä' }, { stringValue: 'b' }]);
  });

  it('writes characters ASCII cannot hold as SUB (0x1A) and reads bytes above 0x7F as U+FFFD', () => {
    const enc = encoding({ encoding: 'ascii' });
    assert.deepEqual([...enc.marshalLogs(logs([logRecord({ body: anyValue('aé') })]))], [0x61, 0x1a]);
    assert.deepEqual(bodies(enc.unmarshalLogs(new Uint8Array([0x61, 0xe9]))), [{ stringValue: 'a\ufffd' }]);
  });

  it('reads latin1 as ISO-8859-1, and an empty unmarshaling_separator keeps the whole text as one body', () => {
    const enc = encoding({ encoding: 'latin1', unmarshaling_separator: '' });
    assert.deepEqual(bodies(enc.unmarshalLogs(new Uint8Array([0x80, 0x0a, 0xe9]))), [{ stringValue: '\u0080\né' }]);
  });

  it('refuses an unknown encoding and a separator that is no regular expression or matches nothing', () => {
    assert.ok(validateConfig(textEncodingFactory.configSchema, { encoding: 'ebcdic' }).issues.length > 0);
    const check = (sep: string) => {
      const { value } = validateConfig(textEncodingFactory.configSchema, { unmarshaling_separator: sep });
      return textEncodingFactory.validate?.(value as TextEncodingConfig).map((i) => i.message) ?? [];
    };
    assert.match(check('([').join(), /not a valid regular expression/);
    assert.match(check('x*').join(), /must not match the empty string/);
  });
});
