// The official OpenTelemetry JS exporters send into the receiver over gRPC, HTTP/protobuf and HTTP/JSON, plain and
// gzip-compressed; every signal must arrive with its names, IDs, attributes, values and bodies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness } from '../../test/helpers/otlp-receiver-harness.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { sendAndCheck } from '../../test/helpers/otlp-receiver-checks.ts';
import { TRANSPORTS } from '../../test/helpers/otlp-receiver-official-exporters.ts';

describe('otlp receiver: official exporters', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver();
  });
  after(() => h.stop());

  for (const t of TRANSPORTS) {
    for (const gzip of [false, true]) {
      it(`${t}${gzip ? ' with gzip' : ''}: traces, metrics and logs arrive intact`, async () => {
        await sendAndCheck(h, t, `${t}-${gzip ? 'gz' : 'plain'}`, { gzip });
        const transport = t === 'grpc' ? 'grpc' : 'http';
        assert.ok(h.rec.ctxs.every((c) => c.transport === 'grpc' || c.transport === 'http'));
        assert.ok(h.rec.ctxs.some((c) => c.transport === transport));
      });
    }
  }

  it('logs where it listens, with the bound ports', () => {
    const lines = h.settings.logger.lines;
    const grpc = lines.find((l) => l.msg === 'OTLP gRPC receiver listening');
    const http = lines.find((l) => l.msg === 'OTLP HTTP receiver listening');
    assert.equal(grpc?.endpoint, `localhost:${h.receiver.grpcPort}`);
    assert.equal(http?.endpoint, `localhost:${h.receiver.httpPort}`);
    assert.notEqual(h.receiver.grpcPort, 0);
  });
});
