// The protocol's side, against a plain HTTP server on port 0 (for what Prometheus itself cannot be made to do: fail
// with a 5xx): the headers remote write requires, a snappy body, and 5xx retried rather than bisected.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import snappy from 'snappyjs';
import { metric, metrics, numberPoint, resource } from '../../core/pdata/index.ts';
import { FAST_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { prometheusRemoteWriteFactory } from './factory.ts';

describe('prometheus_remote_write: the protocol', () => {
  const answers: number[] = [];
  const seen: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = answers.shift() ?? 204;
        res.end(res.statusCode === 204 ? '' : 'storage trouble');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('sends snappy protobuf with the remote-write headers, and retries 5xx until the server takes it', async () => {
    answers.push(500, 503);
    const { exporter, telemetry } = await startExporter(prometheusRemoteWriteFactory, {
      endpoint: url,
      retry_on_failure: FAST_RETRY,
    });
    try {
      const t = BigInt(Date.now()) * 1_000_000n;
      await exporter.metrics.consume(
        metrics([metric({ name: 'retried', gauge: { dataPoints: [numberPoint(1, t)] } })], resource()),
      );
    } finally {
      await exporter.shutdown?.();
    }
    assert.equal(seen.length, 3, 'two failures, then taken');
    const last = seen[2]!;
    assert.equal(last.headers['content-encoding'], 'snappy');
    assert.equal(last.headers['content-type'], 'application/x-protobuf');
    assert.equal(last.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.match(Buffer.from(snappy.uncompress(last.body)).toString('latin1'), /__name__.*retried/s);
    assert.equal(await telemetry.value('otelhub_exporter_dropped_items_total'), 0);
  });
});
