import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { BlobNamer } from './blob-name.ts';
import type { AzureBlobConfig } from './config.ts';
import { azureBlobFactory } from './factory.ts';

const AT = Date.UTC(2026, 0, 5, 3, 4, 9, 120);

function namer(raw: Record<string, unknown>, compression = 'none', random = () => 0.42): BlobNamer {
  const { value, issues } = validateConfig(azureBlobFactory.configSchema, {
    auth: { connection_string: 'UseDevelopmentStorage=true' },
    compression,
    blob_name_format: { timezone: 'UTC', ...raw },
  });
  assert.deepEqual(issues, []);
  const cfg = value as AzureBlobConfig;
  return new BlobNamer(cfg.blob_name_format, cfg.compression, random);
}

describe('blob names', () => {
  it('are the Collector defaults with a serial number after the extension', () => {
    const n = namer({});
    assert.equal(n.name('logs', AT), '2026/01/05/logs_03_04_09.json_4200');
    assert.equal(n.name('metrics', AT), '2026/01/05/metrics_03_04_09.json_4200');
    assert.equal(n.name('traces', AT), '2026/01/05/traces_03_04_09.json_4200');
  });

  it('put the serial number before the extension, within serial_num_range', () => {
    const n = namer({ serial_num_before_extension: true, serial_num_range: 10 }, 'none', () => 0.999);
    assert.equal(n.name('logs', AT), '2026/01/05/logs_03_04_09_9.json');
  });

  it('end with the compression extension', () => {
    assert.equal(namer({ serial_num_enabled: false }, 'gzip').name('logs', AT), '2026/01/05/logs_03_04_09.json.gz');
    assert.equal(
      namer({ serial_num_before_extension: true }, 'zstd').name('logs', AT),
      '2026/01/05/logs_03_04_09.json_4200.zst',
    );
  });

  it('keep a fixed format as it is without serial numbers, and literal text with the time parser off', () => {
    assert.equal(namer({ serial_num_enabled: false, logs_format: 'hub/logs.txt' }).name('logs', AT), 'hub/logs.txt');
    assert.equal(
      namer({ serial_num_enabled: false, time_parser_enabled: false, logs_format: 'a/2006/logs' }).name('logs', AT),
      'a/2006/logs',
    );
  });

  it('format only time_parser_ranges when given', () => {
    const n = namer({
      serial_num_enabled: false,
      logs_format: 'v2006/2006/01/02/x.json',
      time_parser_ranges: ['6-16'],
    });
    assert.equal(n.name('logs', AT), 'v2006/2026/01/05/x.json');
  });

  it('follow the configured time zone', () => {
    const n = namer({ serial_num_enabled: false, timezone: 'Asia/Tokyo', logs_format: '2006-01-02T15' });
    assert.equal(n.name('logs', AT), '2026-01-05T12');
  });
});
