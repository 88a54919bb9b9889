// What an untrusted client and the log may see when an export fails: hub -> otlp_http exporter whose endpoint, from an
// environment variable, carries a password, to a destination that refuses (400) or is down. The client gets a
// status and a generic text (no destination, no exporter error); the log gets the detail, with neither the password
// nor the variable's value.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { encodeRequest } from '../otlp/index.ts';
import { listen } from '../core/net.ts';
import { PERMANENT_TEXT, UNAVAILABLE_TEXT } from '../receivers/otlp/status.ts';
import { freePort, startTestHub } from './helpers/hub.ts';
import type { TestHub } from './helpers/hub.ts';
import { rawGrpc } from './helpers/otlp-receiver-grpc-client.ts';
import { PROTO, decodeStatus, send } from './helpers/otlp-receiver-http-client.ts';
import { sampleTraces } from './helpers/sample-data.ts';

const PASSWORD = 'Pa55-w0rd-in-url';

function hubConfig(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "localhost:0" }
      http: { endpoint: "localhost:0" }
exporters:
  otlp_http/refusing:
    endpoint: \${env:REFUSING_URL}
    retry_on_failure: { enabled: false }
  otlp_http/down:
    endpoint: \${env:DOWN_URL}
    retry_on_failure: { enabled: false }
service:
  telemetry:
    metrics: { level: none }
    logs: { level: debug }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http/refusing] }
    logs: { receivers: [otlp], exporters: [otlp_http/down] }
`;
}

describe('e2e: failed exports leak nothing to clients or the log', () => {
  const dest = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end('destination says: field x invalid'));
  });
  let h: TestHub;
  let env: Record<string, string>;
  before(async () => {
    const { port } = await listen(dest, { host: '127.0.0.1', port: 0 });
    env = {
      REFUSING_URL: `http://exporter:${PASSWORD}@127.0.0.1:${port}`,
      DOWN_URL: `http://exporter:${PASSWORD}@127.0.0.1:${await freePort()}`,
    };
    h = await startTestHub(hubConfig(), { env });
  });
  after(async () => {
    await h.shutdown();
    await new Promise((r) => dest.close(r));
  });

  const leaks = (text: string): string[] =>
    [PASSWORD, env.REFUSING_URL ?? '', env.DOWN_URL ?? '', '127.0.0.1', 'destination says'].filter((s) =>
      text.includes(s),
    );

  it('answers a refused export 400 and an unreachable destination 503, with generic texts only', async () => {
    const url = `http://${h.endpoint('OTLP HTTP receiver listening')}`;
    const refused = await send(`${url}/v1/traces`, { headers: PROTO, body: encodeRequest('traces', sampleTraces()) });
    assert.equal(refused.status, 400);
    assert.deepEqual(decodeStatus(refused.body), { code: 3, message: PERMANENT_TEXT, details: [] });
    const down = await send(`${url}/v1/logs`, { headers: PROTO, body: encodeRequest('logs', { resourceLogs: [] }) });
    assert.equal(down.status, 503);
    assert.equal(decodeStatus(down.body).message, UNAVAILABLE_TEXT);

    const c = rawGrpc(Number(h.endpoint('OTLP gRPC receiver listening').split(':').at(-1)));
    const r = await c.exportRaw('traces', encodeRequest('traces', sampleTraces()));
    c.close();
    assert.equal(r.ok, false);
    const details = r.ok ? '' : r.err.details;
    assert.equal(details, PERMANENT_TEXT);
    assert.deepEqual(leaks(`${refused.body.toString('latin1')} ${down.body.toString('latin1')} ${details}`), []);
  });

  it('logs the detail at warn (rate-limited), with neither the password nor the environment value', () => {
    const warned = h.lines.filter((l) => String(l.msg).startsWith('the pipeline refused a request for good'));
    assert.equal(warned.length, 1, 'the first at once; the second (gRPC) goes into the summary');
    assert.equal(warned[0]?.level, 'warn');
    assert.match(String(warned[0]?.error), /400/, 'the destination status is in the log');
    const text = JSON.stringify(h.lines);
    assert.ok(!text.includes(PASSWORD), 'no password in any line');
    assert.ok(!text.includes(env.REFUSING_URL ?? '') && !text.includes(env.DOWN_URL ?? ''), 'no env value');
  });
});

it('a start error shows a listening address from a variable as it is (no secret), naming the variable', async () => {
  const taken = createServer();
  const { port } = await listen(taken, { host: '127.0.0.1', port: 0 });
  const endpoint = `127.0.0.1:${port}`;
  try {
    const yaml = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:OTLP_HTTP_ENDPOINT}
exporters:
  debug:
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`;
    const err = await startTestHub(yaml, { env: { OTLP_HTTP_ENDPOINT: endpoint } }).then(
      () => assert.fail('started on a taken port'),
      (e: unknown) => e as Error,
    );
    // An address says where the hub tried to listen; secrets from the environment stay hidden (the tests above).
    assert.ok(err.message.includes(`address ${endpoint} is already in use`), err.message);
    assert.match(err.message, /set OTLP_HTTP_ENDPOINT to change it/);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});
