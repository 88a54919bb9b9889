// The reference for OTLP pass-through (BENCH=passthrough): a raw Node HTTP proxy that forwards each request's bytes
// to the sink and relays its answer, the least any pass-through can do. It runs in a process of its own, as the hub
// does, started with plain `node bench/raw-proxy.js <sink url>`: plain JavaScript and nothing but node:http, so no
// loader (tsx, or Node's own type stripping, which loads a WebAssembly compiler) inflates its RSS. Prints
// {"port": N} once it listens on 127.0.0.1.
import http from 'node:http';

const sink = new URL(process.argv[2] ?? '');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const out = http.request(
    { host: sink.hostname, port: sink.port, path: req.url, method: 'POST', agent, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => res.writeHead(502).end());
  req.pipe(out);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  agent.destroy();
  server.close();
  server.closeAllConnections();
});
