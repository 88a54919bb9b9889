// Slow and greedy clients against the receiver's limits, over raw sockets: slowloris on the headers and on the
// body, more connections than max_connections, a pipeline slower than write_timeout, gRPC calls whose message
// never completes, and the stream cap a gRPC client is told.
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import type { ClientHttp2Stream } from 'node:http2';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../../test/helpers/hub.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { LIMIT_HITS_METRIC } from './reports.ts';

const SLOW_CLIENTS = 50;

function openSocket(port: number): Promise<Socket & { gotClosed: boolean; received: string }> {
  return new Promise((resolve, reject) => {
    const s = Object.assign(connect(port, '127.0.0.1'), { gotClosed: false, received: '' });
    s.on('data', (d: Buffer) => void (s.received += d.toString('latin1')));
    s.on('error', () => {}); // a reset is one way of being cut off
    s.on('close', () => void (s.gotClosed = true));
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `text` one byte at a time, a byte every `everyMs`, until the socket closes. */
function trickle(s: Socket, text: string, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => {
    if (s.destroyed || i >= text.length) return clearInterval(t);
    s.write(text[i++] ?? '');
  }, everyMs);
}

const hits = (h: Harness, reason: string, transport = 'http') =>
  h.settings.telemetry.value(LIMIT_HITS_METRIC, { transport, reason });

const errorLines = (h: Harness) => h.settings.logger.lines.filter((l) => l.level === 'error');

describe('otlp receiver: HTTP limits', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver({
      protocols: {
        http: {
          endpoint: 'localhost:0',
          read_header_timeout: '300ms',
          read_timeout: '600ms',
          response_timeout: 0,
          write_timeout: '1s',
          max_connections: 0,
        },
      },
    });
  });
  after(() => h.stop());
  const port = () => h.receiver.httpPort ?? 0;

  it('closes connections that trickle their headers (slowloris) at read_header_timeout, counted, no error lines', async () => {
    const sockets = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => openSocket(port())));
    for (const s of sockets) trickle(s, `POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(500)}`, 20);
    await eventually(() => sockets.every((s) => s.gotClosed), 'every slow connection closed by the server');
    assert.ok(
      sockets.every((s) => s.received.startsWith('HTTP/1.1 408')),
      'told 408 Request Timeout',
    );
    assert.equal(await hits(h, 'read_header_timeout'), SLOW_CLIENTS);
    assert.deepEqual(errorLines(h), []);
  });

  it('closes a connection that trickles its body at read_timeout, and counts it as the limit, not a client abort', async () => {
    const s = await openSocket(port());
    s.write(
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n',
    );
    trickle(s, 'x'.repeat(1000), 20);
    await eventually(() => s.gotClosed, 'the slow body was cut off');
    assert.equal(await hits(h, 'read_timeout'), 1);
    assert.equal(await h.settings.telemetry.value('otelhub_receiver_client_aborted_total'), 0);
    assert.deepEqual(errorLines(h), []);
  });

  it('cuts a connection whose answer is not written within write_timeout', async () => {
    let release = (): void => {};
    h.rec.gate = new Promise<void>((r) => (release = r));
    try {
      const s = await openSocket(port());
      s.write(
        'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n',
      );
      await eventually(() => s.gotClosed, 'cut off while the pipeline held the data');
      assert.equal(await hits(h, 'write_timeout'), 1);
    } finally {
      release();
      h.rec.gate = undefined;
    }
  });
});

describe('otlp receiver: HTTP connection cap', () => {
  const CAP = 3;
  let h: Harness;
  before(async () => {
    h = await startReceiver({ protocols: { http: { endpoint: 'localhost:0', max_connections: CAP } } });
  });
  after(() => h.stop());
  const port = () => h.receiver.httpPort ?? 0;

  it('closes connections past max_connections at once, counted', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => openSocket(port())));
    await eventually(async () => (await hits(h, 'max_connections')) === 0 && held.every((s) => !s.gotClosed), 'held');
    const extra = await openSocket(port());
    await eventually(() => extra.gotClosed, 'the connection over the cap was closed');
    assert.equal(await hits(h, 'max_connections'), 1);
    for (const s of held) s.destroy();
  });
});

describe('otlp receiver: gRPC connection cap', () => {
  const CAP = 2;
  let h: Harness;
  before(async () => {
    h = await startReceiver({ protocols: { grpc: { endpoint: 'localhost:0', max_connections: CAP } } });
  });
  after(() => h.stop());

  it('closes gRPC connections past max_connections at once, counted', async () => {
    const port = h.receiver.grpcPort ?? 0;
    const held = await Promise.all(Array.from({ length: CAP }, () => openSocket(port)));
    await eventually(
      async () => (await hits(h, 'max_connections', 'grpc')) === 0 && held.every((s) => !s.gotClosed),
      'held',
    );
    const extra = await openSocket(port);
    await eventually(() => extra.gotClosed, 'the connection over the cap was closed');
    assert.equal(await hits(h, 'max_connections', 'grpc'), 1);
    assert.ok(
      held.every((s) => !s.gotClosed),
      'the ones under the cap stay open',
    );
    for (const s of held) s.destroy();
  });
});

describe('otlp receiver: gRPC limits', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver({
      protocols: { grpc: { endpoint: 'localhost:0', read_timeout: '300ms', max_concurrent_streams: 7 } },
    });
  });
  after(() => h.stop());

  it('tells clients max_concurrent_streams and ends calls whose message does not arrive within read_timeout', async () => {
    const session = h2connect(`http://localhost:${h.receiver.grpcPort ?? 0}`);
    try {
      await new Promise<void>((r) => session.once('remoteSettings', () => r()));
      assert.equal(session.remoteSettings.maxConcurrentStreams, 7);
      const streams: (ClientHttp2Stream & { status?: string; closed?: boolean })[] = [];
      for (let i = 0; i < 5; i++) {
        const st: ClientHttp2Stream & { status?: string } = session.request({
          ':method': 'POST',
          ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        st.on('response', (headers) => void (st.status ??= String(headers['grpc-status'])));
        st.on('trailers', (headers) => void (st.status ??= String(headers['grpc-status'])));
        st.on('error', () => {});
        st.resume();
        // A gRPC frame header announcing 100 bytes, and 10 of them: the call's message never completes.
        st.write(Buffer.concat([Buffer.from([0, 0, 0, 0, 100]), Buffer.alloc(10)]));
        streams.push(st);
      }
      await eventually(() => streams.every((st) => st.closed), 'every half-sent call ended by the server');
      assert.ok(
        streams.every((st) => st.status === '4'),
        'DEADLINE_EXCEEDED',
      );
      assert.equal(await hits(h, 'read_timeout', 'grpc'), 5);
      assert.equal(h.rec.calls, 0);
    } finally {
      session.destroy();
    }
  });
});
