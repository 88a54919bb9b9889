// Device sessions without a crash: a resend after a reconnect joins the message still in the pipelines (delivered
// once, acknowledged on the new connection); the session file lists persistent sessions only, a clean start ends
// one, and a file that is not a session file fails the start instead of being overwritten.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { IConnackPacket } from 'mqtt-packet';
import { cleanupEmbedded, sessionFile, startEmbedded } from '../../../test/helpers/embedded-broker.ts';
import { eventually } from '../../../test/helpers/hub.ts';
import { startReceiver } from '../../../test/helpers/mqtt-receiver-harness.ts';

after(cleanupEmbedded);

const sessions = (file: string) =>
  Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { sessions: object }).sessions).sort();

describe('embedded broker sessions', () => {
  it('joins a resend after a reconnect to the message still in the pipelines: delivered once, then acknowledged', async () => {
    const { h, url } = await startEmbedded();
    const device = mqtt.connect(url, {
      protocolVersion: 5,
      clientId: 'rejoin',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
      reconnectPeriod: 50,
    });
    const connacks: IConnackPacket[] = [];
    device.on('connect', (p) => connacks.push(p));
    try {
      await eventually(() => connacks.length === 1, 'connected');
      h.rec.mode = 'hold';
      let acked = false;
      device.publish('factory/once', 'only once', { qos: 1 }, (err) => void (acked = !err));
      await eventually(() => h.rec.pending === 1, 'in the pipeline');
      device.stream.destroy(); // the connection drops; mqtt.js reconnects and resends
      const server = h.receiver.embeddedBroker?.server;
      const resumed = () => h.settings.logger.lines.some((l) => l.msg === 'MQTT device connected' && l.session_present);
      await eventually(
        () => resumed() && server?.inflight === 1,
        'reconnected, and the resend joined the held message',
      );
      h.rec.release();
      // mqtt.js reports the reconnection once its resends are acknowledged.
      await eventually(() => acked && connacks.length === 2, 'acknowledged on the new connection');
      assert.equal(connacks[1]?.sessionPresent, true);
      assert.deepEqual(h.rec.payloads(), ['only once'], 'processed once');
      assert.equal(h.rec.calls, 1);
    } finally {
      await device.endAsync(true);
      await h.stop();
    }
  });

  it('writes persistent sessions only, and forgets one at a clean start', async () => {
    const file = sessionFile();
    const { h, url } = await startEmbedded({}, { session_file: file });
    try {
      const connect = (clientId: string, opts: mqtt.IClientOptions) =>
        mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, ...opts });
      const kept = await connect('kept-311', { protocolVersion: 4, clean: false });
      const v5 = await connect('kept-5', {
        protocolVersion: 5,
        clean: true,
        properties: { sessionExpiryInterval: 30 },
      });
      const gone = await connect('gone', { protocolVersion: 5, clean: true });
      assert.deepEqual(sessions(file), ['kept-311', 'kept-5']);
      await Promise.all([kept.endAsync(), v5.endAsync(), gone.endAsync()]);
      const again = await connect('kept-311', { protocolVersion: 4, clean: true });
      await again.endAsync();
      await eventually(() => sessions(file).join() === 'kept-5', 'the clean start ended kept-311');
    } finally {
      await h.stop();
    }
  });

  it('fails the start, naming the file, when the session file is not one of ours', async () => {
    const file = sessionFile();
    writeFileSync(file, '{"something": "else"}');
    await assert.rejects(
      startReceiver({ embedded_broker: { endpoint: '127.0.0.1:0', session_file: file } }),
      /session_file .* is not an otelhub session file/,
    );
    assert.equal(readFileSync(file, 'utf8'), '{"something": "else"}', 'left as it was');
  });
});
