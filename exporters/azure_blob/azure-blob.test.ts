// The exporter against a real Azurite: blob names, block and append blobs, JSON and protobuf that decode back to
// what was sent, compression, the text encoding, and a missing container.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { anyValue, logRecord, logs } from '../../core/pdata/index.ts';
import { decodeRequest, decodeRequestJson } from '../../otlp/index.ts';
import { TextEncoding } from '../../extensions/text_encoding/text-encoding.ts';
import { startAzurite } from '../../test/helpers/azurite.ts';
import type { Azurite } from '../../test/helpers/azurite.ts';
import { NO_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from '../../test/helpers/sample-data.ts';
import { hostWith } from '../../test/helpers/settings.ts';
import { MAX_APPEND_BLOCK_BYTES } from './blob-transport.ts';
import { azureBlobFactory } from './factory.ts';

let azurite: Azurite;
let service: BlobServiceClient;
let n = 0;

/** A fresh set of containers per test, so each sees only its own blobs. */
async function containers(): Promise<{ logs: string; metrics: string; traces: string }> {
  n++;
  const c = { logs: `logs-${n}`, metrics: `metrics-${n}`, traces: `traces-${n}` };
  for (const name of Object.values(c)) await service.getContainerClient(name).create();
  return c;
}

async function blobs(container: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const c = service.getContainerClient(container);
  for await (const b of c.listBlobsFlat()) out.set(b.name, await c.getBlobClient(b.name).downloadToBuffer());
  return out;
}

function config(container: Record<string, string>, raw: Record<string, unknown> = {}): Record<string, unknown> {
  return { auth: { connection_string: azurite.connectionString }, container, ...NO_RETRY, ...raw };
}

before(async () => {
  azurite = await startAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
after(() => azurite.stop());

describe('azure_blob exporter against Azurite', () => {
  it('writes one block blob per request, named by the Collector default formats, in OTLP JSON that decodes back', async () => {
    const c = await containers();
    const before = new Date();
    const { exporter } = await startExporter(azureBlobFactory, config(c, { blob_name_format: { timezone: 'UTC' } }));
    await exporter.logs.consume(sampleLogs());
    await exporter.metrics.consume(sampleMetrics());
    await exporter.traces.consume(sampleTraces());
    await exporter.shutdown?.();
    const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '/');
    for (const [signal, sample] of [
      ['logs', sampleLogs()],
      ['metrics', sampleMetrics()],
      ['traces', sampleTraces()],
    ] as const) {
      const found = await blobs(c[signal]);
      assert.equal(found.size, 1, `one ${signal} blob`);
      const [[name, body]] = [...found] as [[string, Buffer]];
      const m = new RegExp(`^(\\d{4}/\\d{2}/\\d{2})/${signal}_\\d{2}_\\d{2}_\\d{2}\\.json_(\\d+)$`).exec(name);
      assert.ok(m, `${name} follows 2006/01/02/${signal}_15_04_05.json with a serial number`);
      assert.ok([day(before), day(new Date())].includes(m[1] ?? ''), `${name} is dated today (UTC)`);
      assert.ok(Number(m[2]) < 10_000);
      assert.deepEqual(decodeRequestJson(signal, body.toString('utf8')), sample);
    }
  });

  it('writes protobuf that decodes back, gzip-compressed with .gz appended to the name', async () => {
    const c = await containers();
    const { exporter } = await startExporter(
      azureBlobFactory,
      config(c, {
        format: 'proto',
        compression: 'gzip',
        blob_name_format: { metrics_format: 'edge/metrics.pb', serial_num_enabled: false },
      }),
    );
    await exporter.metrics.consume(sampleMetrics());
    await exporter.shutdown?.();
    const found = await blobs(c.metrics);
    assert.deepEqual([...found.keys()], ['edge/metrics.pb.gz']);
    assert.deepEqual(decodeRequest('metrics', gunzipSync(found.get('edge/metrics.pb.gz')!)), sampleMetrics());
  });

  it('grows one append blob with a fixed name, the separator after each request', async () => {
    const c = await containers();
    const { exporter } = await startExporter(
      azureBlobFactory,
      config(c, {
        append_blob: { enabled: true },
        compression: 'zstd',
        blob_name_format: { logs_format: 'hub/logs.jsonl', serial_num_enabled: false },
      }),
    );
    const first = logs([logRecord({ body: anyValue('first') })]);
    const second = logs([logRecord({ body: anyValue('second') })]);
    await exporter.logs.consume(first);
    await exporter.logs.consume(second);
    await exporter.shutdown?.();
    const found = await blobs(c.logs);
    assert.deepEqual([...found.keys()], ['hub/logs.jsonl.zst']);
    const props = await service.getContainerClient(c.logs).getBlobClient('hub/logs.jsonl.zst').getProperties();
    assert.equal(props.blobType, 'AppendBlob');
    // zstd frames concatenate: the blob decompresses to both requests, one JSON document per line.
    const lines = zstdDecompressSync(found.get('hub/logs.jsonl.zst')!).toString('utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(decodeRequestJson('logs', lines[0]!), first);
    assert.deepEqual(decodeRequestJson('logs', lines[1]!), second);
  });

  it('with encodings.logs text_encoding writes one log body per line', async () => {
    const c = await containers();
    const text = new TextEncoding({ encoding: 'utf8', marshaling_separator: '\n', unmarshaling_separator: '\\r?\\n' });
    const { exporter } = await startExporter(
      azureBlobFactory,
      config(c, {
        encodings: { logs: 'text_encoding' },
        append_blob: { enabled: true, separator: '\n' },
        blob_name_format: { logs_format: 'hub/app.log', serial_num_enabled: false },
      }),
      hostWith({ text_encoding: text }),
    );
    await exporter.logs.consume(logs(['a', 'b'].map((b) => logRecord({ body: anyValue(b) }))));
    await exporter.logs.consume(logs([logRecord({ body: anyValue('c ☃') }), logRecord({ body: anyValue({ k: 1n }) })]));
    await exporter.shutdown?.();
    const found = await blobs(c.logs);
    assert.equal(found.get('hub/app.log')?.toString('utf8'), 'a\nb\nc ☃\n{"k":1}\n');
  });

  it('keeps each request contiguous in an append blob when requests of several blocks are sent at once', async () => {
    const c = await containers();
    const text = new TextEncoding({ encoding: 'utf8', marshaling_separator: '\n', unmarshaling_separator: '\r?\n' });
    const { exporter } = await startExporter(
      azureBlobFactory,
      config(c, {
        encodings: { logs: 'text_encoding' },
        append_blob: { enabled: true },
        blob_name_format: { logs_format: 'big.log', serial_num_enabled: false },
      }),
      hostWith({ text_encoding: text }),
    );
    // Each body is over one 4 MiB append block; the queue's consumers send the three at once.
    const size = MAX_APPEND_BLOCK_BYTES + 512 * 1024;
    await Promise.all(
      ['a', 'b', 'c'].map((ch) => exporter.logs.consume(logs([logRecord({ body: anyValue(ch.repeat(size)) })]))),
    );
    await exporter.shutdown?.();
    const lines = (await blobs(c.logs)).get('big.log')?.toString('utf8').split('\n') ?? [];
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines.map((l) => [l.length, new Set(l).size]),
      [
        [size, 1],
        [size, 1],
        [size, 1],
      ],
    );
    assert.deepEqual(lines.map((l) => l[0]).sort(), ['a', 'b', 'c']);
  });

  it('never overwrites a blob: a second request given the same name fails retryably and the first stays', async () => {
    const c = await containers();
    const { exporter } = await startExporter(
      azureBlobFactory,
      config(c, { blob_name_format: { logs_format: 'fixed.json', serial_num_enabled: false } }),
    );
    const first = logs([logRecord({ body: anyValue('first') })]);
    await exporter.logs.consume(first);
    await assert.rejects(
      exporter.logs.consume(logs([logRecord({ body: anyValue('second') })])),
      (err: Error & { retryable?: boolean }) => {
        assert.match(err.message, /blob .*fixed\.json exists already and is not overwritten/);
        assert.equal(err.retryable, true);
        return true;
      },
    );
    await exporter.shutdown?.();
    assert.deepEqual(decodeRequestJson('logs', (await blobs(c.logs)).get('fixed.json')?.toString('utf8') ?? ''), first);
  });

  it('refuses to start when an encoding extension is missing, and names it', async () => {
    const c = await containers();
    await assert.rejects(
      startExporter(azureBlobFactory, config(c, { encodings: { logs: 'text_encoding/x' } })),
      /encoding extension "text_encoding\/x" is not configured or not listed in service.extensions/,
    );
  });

  it('says a container is missing, retryably, and writes nothing', async () => {
    const { exporter, settings } = await startExporter(
      azureBlobFactory,
      config({ logs: 'no-such-container', metrics: 'm', traces: 't' }),
    );
    await assert.rejects(exporter.logs.consume(sampleLogs()), (err: Error & { retryable?: boolean }) => {
      assert.match(err.message, /container "no-such-container" does not exist in the storage account: create it/);
      assert.equal(err.retryable, true);
      return true;
    });
    assert.ok(settings.statuses.includes('recoverable_error'));
    await exporter.shutdown?.();
    assert.equal(await service.getContainerClient('no-such-container').exists(), false);
  });

  it('delivers a retried request once the container exists', async () => {
    const name = `late-${n++}`;
    const { exporter, settings } = await startExporter(azureBlobFactory, {
      ...config({ logs: name, metrics: 'm', traces: 't' }),
      retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '60s' },
    });
    const sent = exporter.logs.consume(sampleLogs());
    // Created only after an attempt failed (the exporter reported itself not ready): the retried upload lands.
    for (let i = 0; i < 2000 && !settings.statuses.includes('recoverable_error'); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(settings.statuses.includes('recoverable_error'));
    await service.getContainerClient(name).create();
    await sent;
    await exporter.shutdown?.();
    assert.equal((await blobs(name)).size, 1);
  });
});
