import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/schema.ts';
import { memoryLogger } from '../../core/logger.ts';
import {
  anyValue,
  attributes,
  logRecord,
  logs,
  metric,
  metrics,
  resource,
  scope,
  span,
  traces,
} from '../../core/pdata/index.ts';
import { fromHex } from '../../core/pdata/index.ts';
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
  return new BlobNamer(cfg.blob_name_format, cfg.compression, undefined, random);
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

  it("run the Collector's template helpers on the request's data when template_enabled", () => {
    const n = namer({
      template_enabled: true,
      serial_num_enabled: false,
      // As in the Collector, the time layout is read after the template ran: digits from the data would be taken
      // for layout elements (42 -> minute, day). time_parser_ranges or this keep them.
      time_parser_enabled: false,
      logs_format: '{{ getResourceLogAttr . 0 "service.name" }}/{{getScopeLogAttr . 0 0 "team"}}/2006/logs.json',
      metrics_format: '{{ (getMetric . 0 0 0).Name }}-{{ getResourceMetricAttr . 0 "missing" }}.json',
      traces_format: '{{ (getSpan . 0 0 0).TraceID }}.json',
    });
    const ld = logs([logRecord({ body: anyValue('x') })], resource({ 'service.name': 'svc' }), {
      ...scope('s'),
      attributes: attributes({ team: 42n }),
    });
    assert.equal(n.name('logs', AT, ld), 'svc/42/2006/logs.json');
    assert.equal(n.name('metrics', AT, metrics([metric({ name: 'cpu' })])), 'cpu-<no value>.json');
    const t = traces([span({ name: 'op', traceId: fromHex('0102030405060708090a0b0c0d0e0f10') })]);
    assert.equal(n.name('traces', AT, t), '0102030405060708090a0b0c0d0e0f10.json');
  });

  it('fall back to the format as configured when a template index is out of range, warning once', () => {
    const logger = memoryLogger('debug');
    const { value } = validateConfig(azureBlobFactory.configSchema, {
      auth: { connection_string: 'UseDevelopmentStorage=true' },
      blob_name_format: {
        template_enabled: true,
        serial_num_enabled: false,
        logs_format: '{{ getResourceLogAttr . 3 "k" }}/x',
        timezone: 'UTC',
      },
    });
    const cfg = value as AzureBlobConfig;
    const n = new BlobNamer(cfg.blob_name_format, cfg.compression, logger);
    const ld = logs([logRecord({})]);
    assert.equal(n.name('logs', AT, ld), '{{ getResourceLogAttr . 3 "k" }}/x');
    n.name('logs', AT, ld);
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1);
  });
});
