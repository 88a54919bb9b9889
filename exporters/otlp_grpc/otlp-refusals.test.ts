// Refusals that splitting gets around, against real gRPC servers: the hub's own OTLP receiver with a small
// max_recv_msg_size_mib (grpc-js answers RESOURCE_EXHAUSTED "Received message larger than max": split until the parts
// fit), a destination refusing one item with INVALID_ARGUMENT, INTERNAL or UNKNOWN (everything else is delivered),
// and UNAUTHENTICATED retried until the destination takes the credentials.
import { status as GrpcStatus } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAST_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { eventually } from '../../test/helpers/hub.ts';
import { itemNames, namedItems, names } from '../../test/helpers/named-items.ts';
import { startGrpcServer } from '../../test/helpers/otlp-grpc-exporter-server.ts';
import type { TestGrpcServer } from '../../test/helpers/otlp-grpc-exporter-server.ts';
import { startReceiver } from '../../test/helpers/otlp-receiver-harness.ts';
import { otlpFactory } from './factory.ts';

const DROPPED = 'otelhub_exporter_dropped_items_total';
const EXPORTER = 'otlp_grpc/test';

describe('otlp exporter: refusals', () => {
  let server: TestGrpcServer;
  before(async () => {
    server = await startGrpcServer();
  });
  after(() => server.close());
  const reset = (reply: TestGrpcServer['reply'] = () => undefined): void => {
    server.calls.length = 0;
    server.reply = reply;
  };

  for (const compression of ['gzip', 'none']) {
    it(`message larger than the hub receiver's max_recv_msg_size_mib: split until it fits (${compression})`, async () => {
      const limit = 0.004; // MiB: about 4 KiB
      const h = await startReceiver(
        { protocols: { grpc: { endpoint: 'localhost:0', max_recv_msg_size_mib: limit } } },
        { signals: ['logs'] },
      );
      const { exporter, telemetry, settings } = await startExporter(otlpFactory, {
        endpoint: h.grpcUrl,
        compression,
        retry_on_failure: FAST_RETRY,
      });
      try {
        const all = names(300, 'a-log-record-with-a-body-long-enough-to-matter-');
        await exporter.logs.consume(namedItems('logs', all));
        assert.deepEqual(
          h.rec.got.logs.flatMap((l) => itemNames('logs', l)),
          all,
          'every record once, in order',
        );
        assert.ok(h.rec.got.logs.length >= 4, `split (${h.rec.got.logs.length} requests)`);

        h.rec.got.logs.length = 0;
        await exporter.logs.consume(namedItems('logs', ['before', 'x'.repeat(8192), 'after']));
        assert.deepEqual(
          h.rec.got.logs.flatMap((l) => itemNames('logs', l)),
          ['before', 'after'],
        );
        assert.equal(await telemetry.value(DROPPED, { exporter: EXPORTER, data_type: 'logs', reason: 'too_large' }), 1);
        const line = settings.logger.lines.find((l) => /refused items on their own/.test(String(l.msg)));
        assert.match(String(line?.error), /RESOURCE_EXHAUSTED/);
      } finally {
        await exporter.shutdown?.();
        await h.stop();
      }
    });
  }

  for (const code of [GrpcStatus.INVALID_ARGUMENT, GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN]) {
    it(`one span refused with ${GrpcStatus[code]} is dropped and counted, all the others delivered`, async () => {
      const refused = new Set<number>();
      reset((c, n) => {
        if (!itemNames('traces', c.data).includes('poison')) return undefined;
        refused.add(n);
        return { code, details: 'bad span' };
      });
      const all = names(100);
      all[0] = 'poison';
      const { exporter, telemetry } = await startExporter(otlpFactory, {
        endpoint: `http://${server.address}`,
        retry_on_failure: FAST_RETRY,
      });
      await exporter.traces.consume(namedItems('traces', all));
      await exporter.shutdown?.();
      assert.deepEqual(
        server.calls.filter((_c, n) => !refused.has(n)).flatMap((c) => itemNames('traces', c.data)),
        all.slice(1),
      );
      assert.equal(await telemetry.value(DROPPED, { exporter: EXPORTER, data_type: 'traces', reason: 'refused' }), 1);
    });
  }

  it('UNAUTHENTICATED is retried and logged loudly; the data arrives once the credentials are accepted', async () => {
    let accept = false;
    reset(() => (accept ? undefined : { code: GrpcStatus.UNAUTHENTICATED, details: 'token expired' }));
    const { exporter, settings } = await startExporter(otlpFactory, {
      endpoint: `http://${server.address}`,
      retry_on_failure: FAST_RETRY,
    });
    const all = names(5);
    const sent = exporter.metrics.consume(namedItems('metrics', all));
    await eventually(() => server.calls.length >= 2, 'refused and retried');
    accept = true;
    await sent;
    await exporter.shutdown?.();
    assert.deepEqual(itemNames('metrics', server.calls.at(-1)!.data), all);
    const loud = settings.logger.lines.filter((l) => l.level === 'error');
    assert.match(String(loud[0]?.error), /UNAUTHENTICATED: token expired/);
  });
});
