// What sending_queue.batch saves (BENCH=queue-batch): 2,000 requests of 10 spans consumed at once by the otlp_http
// exporter, sent to a local OTLP/HTTP server, without batching and with `batch: { min_size: 1000 }`. Figures: exports
// the server received and time until every request settled.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { listen } from '../core/net.ts';
import { span, traces } from '../core/pdata/index.ts';
import { otlpHttpFactory } from '../exporters/otlp_http/factory.ts';
import { startExporter } from '../test/helpers/exporter-harness.ts';

export interface QueueBatchFigures {
  name: string;
  requests: number;
  exports: number;
  ms: number;
  spansPerSec: number;
}

const REQUESTS = 2000;
const SPANS = 10;

async function run(name: string, batch: Record<string, unknown> | undefined): Promise<QueueBatchFigures> {
  let exports = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  const { exporter } = await startExporter(otlpHttpFactory, {
    endpoint: `http://127.0.0.1:${port}`,
    sending_queue: { queue_size: REQUESTS, ...(batch ? { batch } : {}) },
  });
  const data = Array.from({ length: REQUESTS }, (_, r) =>
    traces(Array.from({ length: SPANS }, (_, i) => span({ name: `r${r}s${i}` }))),
  );
  const t0 = performance.now();
  await Promise.all(data.map((d) => exporter.traces.consume(d)));
  const ms = performance.now() - t0;
  await exporter.shutdown?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { name, requests: REQUESTS, exports, ms, spansPerSec: (REQUESTS * SPANS) / (ms / 1000) };
}

export async function benchQueueBatch(): Promise<QueueBatchFigures[]> {
  return [await run('no batching', undefined), await run('sending_queue.batch min_size 1000', { min_size: 1000 })];
}
