import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadHubConfig } from '../../cli/hub.ts';
import { printConfig } from '../../cli/print-config.ts';
import { validateConfig } from '../../config/schema.ts';
import type { AzureBlobConfig } from './config.ts';
import { azureBlobFactory } from './factory.ts';

const CS = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net';

function check(raw: Record<string, unknown>): { cfg: AzureBlobConfig; messages: string[] } {
  const { value, issues } = validateConfig(azureBlobFactory.configSchema, raw);
  const cfg = value as AzureBlobConfig;
  const more = issues.length ? [] : (azureBlobFactory.validate?.(cfg) ?? []);
  return { cfg, messages: [...issues, ...more].map((i) => `${i.path.join('.')}: ${i.message}`) };
}

// The seed config's hub (issue 14), as a user copies it: the old exporter name, an undeclared text_encoding.
const SEED = `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
exporters:
  debug: {}
  azureblob:
    url: "https://acct.blob.core.windows.net/"
    container:
      logs: "logs"
    auth:
      type: "connection_string"
      connection_string: "${CS}"
    encodings:
      logs: text_encoding
    append_blob:
      enabled: true
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [azureblob, debug]
`;

describe('azure_blob config', () => {
  it('has the Collector contrib defaults', () => {
    const { cfg, messages } = check({ auth: { connection_string: CS } });
    assert.deepEqual(messages, []);
    assert.deepEqual(cfg.container, { logs: 'logs', metrics: 'metrics', traces: 'traces' });
    assert.equal(cfg.auth.type, 'connection_string');
    assert.deepEqual(cfg.blob_name_format, {
      metrics_format: '2006/01/02/metrics_15_04_05.json',
      logs_format: '2006/01/02/logs_15_04_05.json',
      traces_format: '2006/01/02/traces_15_04_05.json',
      serial_num_enabled: true,
      serial_num_range: 10000,
      serial_num_before_extension: false,
      timezone: '',
      template_enabled: false,
      time_parser_enabled: true,
      params: {},
    });
    assert.equal(cfg.format, 'json');
    assert.equal(cfg.compression, 'none');
    assert.deepEqual(cfg.append_blob, { enabled: false, separator: '\n' });
    assert.equal(cfg.timeout, 5000);
    assert.equal(cfg.retry_on_failure.enabled, true);
    assert.equal(cfg.sending_queue.enabled, true);
  });

  it('asks for the fields each auth type needs, as the Collector', () => {
    assert.deepEqual(check({}).messages, [
      'auth: connection_string cannot be empty when auth type is connection_string',
    ]);
    assert.ok(
      check({
        url: 'https://a.blob.core.windows.net/',
        auth: { type: 'workload_identity', client_id: 'c' },
      }).messages.includes('auth: tenant_id, federated_token_file cannot be empty when auth type is workload_identity'),
    );
    assert.ok(
      check({ auth: { type: 'system_managed_identity' } }).messages.includes(
        'url: url cannot be empty when auth type is not connection_string',
      ),
    );
  });

  it('accepts each identity type with its fields, and checks blob name templates', () => {
    const url = 'https://a.blob.core.windows.net/';
    for (const auth of [
      { type: 'service_principal', tenant_id: 't', client_id: 'c', client_secret: 's' },
      { type: 'system_managed_identity' },
      { type: 'user_managed_identity', client_id: 'c' },
      { type: 'workload_identity', tenant_id: 't', client_id: 'c', federated_token_file: '/var/run/token' },
    ])
      assert.deepEqual(check({ url, auth }).messages, [], auth.type);
    const t = (logs_format: string) =>
      check({
        auth: { connection_string: CS },
        blob_name_format: { template_enabled: true, logs_format },
      }).messages.join();
    assert.equal(t('{{ getResourceLogAttr . 0 "service.name" }}/2006/logs.json'), '');
    assert.match(t('{{ .Foo }}'), /expected one of getResourceSpanAttr/);
    assert.match(t('{{ getSpan . 0 0 0 }}'), /use a field of getSpan/);
    assert.match(t('{{ (getSpan . 0 0 0).Name }}'), /reads traces data, but names logs blobs/);
    assert.match(t('{{ getResourceLogAttr . "x" }}'), /takes \. then 1 index\(es\) and a quoted key/);
    assert.match(t('{{ getResourceLogAttr . 0 "x"'), /unclosed action/);
  });

  it('refuses unknown formats, compressions, zones and a URL that is none', () => {
    const m = (raw: Record<string, unknown>) => check({ auth: { connection_string: CS }, ...raw }).messages.join('\n');
    assert.match(m({ format: 'jsonl' }), /format/);
    assert.match(m({ compression: 'snappy' }), /compression/);
    assert.match(m({ blob_name_format: { timezone: 'Nowhere/Else' } }), /unknown time zone "Nowhere\/Else"/);
    assert.match(m({ url: 'ftp://x' }), /url: invalid URL "ftp:\/\/x"/);
    assert.match(m({ blob_name_format: { time_parser_ranges: ['9-3'] } }), /range 9-3 ends before it starts/);
  });

  it("runs the seed's config as written: a warning for azureblob, text_encoding created with its defaults", async () => {
    const r = await loadHubConfig({ configText: { text: SEED, name: 'seed.yaml' }, env: {} });
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.config?.extensions.text_encoding, {
      encoding: 'utf8',
      marshaling_separator: '\n',
      unmarshaling_separator: '\\r?\\n',
    });
    assert.deepEqual(r.config?.service.extensions, ['text_encoding']);
    assert.deepEqual(
      r.notices.map((n) => [n.level, n.msg]),
      [
        [
          'warn',
          'exporter type "azureblob" is deprecated: rename "azureblob" to "azure_blob" (the Collector renamed it too)',
        ],
        [
          'info',
          'extension "text_encoding" is used by exporter "azureblob" but not declared: created with its defaults; declare it under extensions and list it in service.extensions to silence this',
        ],
      ],
    );
  });

  it('reports a malformed encodings block as a config error, not a crash', async () => {
    const text = SEED.replace('    encodings:\n      logs: text_encoding\n', '    encodings: 42\n');
    const r = await loadHubConfig({ configText: { text, name: 'seed.yaml' }, env: {} });
    assert.ok(
      r.issues.some((i) => i.path.join('.') === 'exporters.azureblob.encodings'),
      JSON.stringify(r.issues),
    );
  });

  it('never prints the connection string, also under the deprecated name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelhub-azblob-'));
    try {
      const file = join(dir, 'hub.yaml');
      writeFileSync(file, SEED);
      const text = await printConfig({ configFiles: [file], env: {} });
      assert.doesNotMatch(text, /c2VjcmV0/);
      assert.match(text, /connection_string: "\[REDACTED\]"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
