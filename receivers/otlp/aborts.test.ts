// Clients that give up: an HTTP body cut off mid-way, an HTTP client gone while the pipeline holds its data, a gRPC
// call cancelled by grpc-js while in the pipeline, and a gRPC call reset before its message was in. Each is a
// client's choice: counted, logged at debug, never an error line or a 500.
import assert from 'node:assert/strict';
import { connect as h2connect, constants } from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Metadata, credentials, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { GRPC_SERVICE_NAMES, encodeRequest, exportService } from '../../otlp/index.ts';
import { eventually } from '../../test/helpers/hub.ts';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { sampleTraces } from '../../test/helpers/sample-data.ts';
import { CLIENT_ABORTED_METRIC } from './reports.ts';

type ExportClient = Client & {
  Export(body: Buffer, md: Metadata, cb: (err: ServiceError | null) => void): { cancel(): void };
};

describe('otlp receiver: clients that give up', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver();
  });
  after(() => h.stop());
  const aborted = (transport: string) => h.settings.telemetry.value(CLIENT_ABORTED_METRIC, { transport });
  const noErrors = () =>
    assert.deepEqual(
      h.settings.logger.lines.filter((l) => l.level === 'error' || l.level === 'warn'),
      [],
    );
  const debugLines = () => h.settings.logger.lines.filter((l) => l.msg === 'the client went away before its answer');

  it('HTTP: a body cut off mid-way is counted and logged at debug, not as a 500 error', async () => {
    const s = connect(h.receiver.httpPort ?? 0, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    let heard = '';
    s.on('data', (d: Buffer) => void (heard += d.toString()));
    // Expect: 100-continue makes the server say when it has the request, before any of the body.
    s.write(
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
    );
    await eventually(() => heard.startsWith('HTTP/1.1 100'), 'the server has the request');
    s.write(Buffer.alloc(10));
    await new Promise((r) => setImmediate(r));
    s.destroy();
    await eventually(async () => (await aborted('http')) === 1, 'counted');
    assert.equal(debugLines().at(-1)?.level, 'debug');
    noErrors();
  });

  it('HTTP: a client gone while the pipeline holds its data is counted once', async () => {
    let release = (): void => {};
    h.rec.gate = new Promise<void>((r) => (release = r));
    try {
      const body = Buffer.from(encodeRequest('traces', sampleTraces()));
      const s = connect(h.receiver.httpPort ?? 0, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      const calls = h.rec.calls;
      const before = await aborted('http');
      s.write(
        `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      s.write(body);
      await eventually(() => h.rec.calls > calls, 'in the pipeline');
      s.destroy();
      await eventually(() => h.rec.started.at(-1)?.signal?.aborted === true, 'the receiver withdrew the data');
      release();
      await eventually(async () => (await aborted('http')) === before + 1, 'counted');
    } finally {
      release();
      h.rec.gate = undefined;
    }
    noErrors();
  });

  it('gRPC: a call cancelled by grpc-js while in the pipeline is counted and logged at debug', async () => {
    let release = (): void => {};
    h.rec.gate = new Promise<void>((r) => (release = r));
    const Ctor = makeGenericClientConstructor(exportService('traces'), GRPC_SERVICE_NAMES.traces);
    const c = new Ctor(
      `localhost:${h.receiver.grpcPort ?? 0}`,
      credentials.createInsecure(),
    ) as unknown as ExportClient;
    try {
      const calls = h.rec.calls;
      let code: number | undefined;
      const call = c.Export(Buffer.from(encodeRequest('traces', sampleTraces())), new Metadata(), (err) => {
        code = err?.code;
      });
      await eventually(() => h.rec.calls > calls, 'in the pipeline');
      call.cancel();
      await eventually(() => code !== undefined, 'the client saw its cancel');
      await eventually(() => h.rec.started.at(-1)?.signal?.aborted === true, 'the receiver withdrew the data');
      release();
      await eventually(async () => (await aborted('grpc')) === 1, 'counted');
      assert.equal(code, status.CANCELLED);
    } finally {
      release();
      h.rec.gate = undefined;
      c.close();
    }
    noErrors();
  });

  it('gRPC: a call reset before its message was complete is counted', async () => {
    const session = h2connect(`http://localhost:${h.receiver.grpcPort ?? 0}`);
    const before = await aborted('grpc');
    const debugBefore = debugLines().length;
    try {
      const st = session.request({
        ':method': 'POST',
        ':path': `/${GRPC_SERVICE_NAMES.traces}/Export`,
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      st.on('error', () => {});
      st.write(Buffer.concat([Buffer.from([0, 0, 0, 0, 100]), Buffer.alloc(10)]));
      await new Promise((r) => setImmediate(r));
      st.close(constants.NGHTTP2_CANCEL);
      await eventually(async () => (await aborted('grpc')) === before + 1, 'counted');
    } finally {
      session.destroy();
    }
    assert.equal(debugLines().length, debugBefore + 1, 'one debug line');
    noErrors();
  });
});
