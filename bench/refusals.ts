// What splitting and bisecting cost (BENCH=refusals): one request of 8192 spans (the batch's default bound) through the
// otlp_http exporter to a local OTLP/HTTP server that refuses requests holding a poisoned span with 400, or bodies over
// a limit with 413; and a request over max_request_bytes split before sending. Figures: requests sent and time to
// settle the request, against the same request accepted at once.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { listen } from '../core/net.ts';
import type { Traces } from '../core/pdata/index.ts';
import { forEachSpan, span, spanCount, traces } from '../core/pdata/index.ts';
import { otlpHttpFactory } from '../exporters/otlp_http/factory.ts';
import { decodeRequest } from '../otlp/index.ts';
import { startExporter } from '../test/helpers/exporter-harness.ts';

export interface RefusalFigures {
  name: string;
  requests: number;
  delivered: number;
  ms: number;
}

const SPANS = 8192;

function request(nameLength: number, poisoned: (i: number) => boolean): Traces {
  const pad = 'x'.repeat(nameLength);
  return traces(Array.from({ length: SPANS }, (_, i) => span({ name: poisoned(i) ? `poison${pad}` : `s${i}${pad}` })));
}

async function run(
  name: string,
  data: Traces,
  opts: { limit?: number; maxRequestBytes?: number } = {},
): Promise<RefusalFigures> {
  let requests = 0;
  let delivered = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const body = gunzipSync(Buffer.concat(chunks));
      if (opts.limit !== undefined && body.length > opts.limit) return void res.writeHead(413).end();
      const t = decodeRequest('traces', body);
      let poisoned = false;
      forEachSpan(t, (s) => (poisoned ||= s.name.startsWith('poison')));
      if (poisoned) return void res.writeHead(400).end();
      delivered += spanCount(t);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const { port } = await listen(server, { host: '127.0.0.1', port: 0 });
  const { exporter } = await startExporter(otlpHttpFactory, {
    endpoint: `http://127.0.0.1:${port}`,
    ...(opts.maxRequestBytes === undefined ? {} : { max_request_bytes: opts.maxRequestBytes }),
  });
  const t0 = performance.now();
  await exporter.traces.consume(data).catch(() => undefined);
  const ms = performance.now() - t0;
  await exporter.shutdown?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { name, requests, delivered, ms };
}

export async function benchRefusals(): Promise<RefusalFigures[]> {
  const clean = () => request(16, () => false);
  return [
    await run('accepted at once (baseline)', clean()),
    await run(
      'one poisoned span (400), bisected',
      request(16, (i) => i === 4000),
    ),
    await run(
      'every span refused (400), bisected to the end',
      request(16, () => true),
    ),
    await run(
      '~8.5 MiB request, server limit 1 MiB (413), split',
      request(1024, () => false),
      {
        limit: 1 << 20,
        maxRequestBytes: 0,
      },
    ),
    await run(
      '~8.5 MiB request, max_request_bytes 4 MiB (default)',
      request(1024, () => false),
    ),
    await run(
      '~8.5 MiB request, max_request_bytes 0 (one request)',
      request(1024, () => false),
      {
        maxRequestBytes: 0,
      },
    ),
  ];
}
