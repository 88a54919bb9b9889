// The seed 004 hub's logs path as a user copies it (issue 14): the exporter under its old name `azureblob`, its
// `encodings: logs: text_encoding` naming an extension the config never declares, append blobs. A real hub takes
// logs from the official OTLP/HTTP exporter and Azurite ends up with one body per line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../../test/helpers/azurite.ts';
import type { Azurite } from '../../test/helpers/azurite.ts';
import { startTestHub } from '../../test/helpers/hub.ts';
import {
  exportWith,
  makeLogs,
  officialExporters,
  shutdownAll,
} from '../../test/helpers/otlp-receiver-official-exporters.ts';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.stop());

const config = (connectionString: string) => `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
processors:
  batch: {}
exporters:
  azureblob:
    url: "https://unused.blob.core.windows.net/"
    container:
      logs: "logs"
    auth:
      type: "connection_string"
      connection_string: "${connectionString}"
    encodings:
      logs: text_encoding
    append_blob:
      enabled: true
    blob_name_format:
      logs_format: "hub/app.log"
      serial_num_enabled: false
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [azureblob]
`;

describe("the seed 004 hub's logs path", () => {
  it('runs as written: one warning, one info line, and the log bodies as lines of an append blob', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('logs');
    await container.create();
    const h = await startTestHub(config(azurite.connectionString));
    const official = officialExporters('http/json', `http://${h.endpoint('OTLP HTTP receiver listening')}`);
    try {
      for (const tag of ['one', 'two']) assert.equal((await exportWith(official.logs, await makeLogs(tag))).code, 0);
    } finally {
      await shutdownAll(official);
      await h.shutdown();
    }
    const text = (await container.getBlobClient('hub/app.log').downloadToBuffer()).toString('utf8');
    assert.equal(text, 'hello-one\nhello-two\n');
    const said = (level: string, re: RegExp) => h.lines.filter((l) => l.level === level && re.test(String(l.msg)));
    assert.equal(said('warn', /exporter type "azureblob" is deprecated: rename "azureblob" to "azure_blob"/).length, 1);
    assert.equal(said('info', /extension "text_encoding" is used by exporter "azureblob" but not declared/).length, 1);
    // The connection string's key is in no log line.
    assert.doesNotMatch(JSON.stringify(h.lines), /Eby8vdM02xNOcq/);
  });
});
