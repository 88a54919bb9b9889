// Shutdown drains: data held in a batch reaches the exporter, and a receiver that waits for what it sent to
// settle (as an MQTT receiver waits to acknowledge) does not deadlock with the batch that holds it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtinFactories } from '../components.ts';
import type { ReceiverFactory } from '../core/component.ts';
import { memoryLogger } from '../core/logger.ts';
import { Registry } from '../core/registry.ts';
import { startHub } from '../cli/hub.ts';
import { testComponents } from './helpers/components.ts';
import { sampleLogs } from './helpers/sample-data.ts';

const config = `
receivers:
  patient:
processors:
  batch:
    timeout: 1h
    send_batch_size: 1000000
exporters:
  test_sink:
service:
  shutdown_timeout: 20s
  telemetry:
    metrics: { level: none }
  pipelines:
    logs:
      receivers: [patient]
      processors: [batch]
      exporters: [test_sink]
`;

describe('shutdown', () => {
  it('flushes a batch held for an hour into the exporter while its receiver waits for settlement', async () => {
    const t = testComponents();
    const outcomes: string[] = [];
    let send: (() => void) | undefined;
    const patient: ReceiverFactory = {
      kind: 'receiver',
      type: 'patient',
      stability: 'development',
      configSchema: { type: 'object', additionalProperties: false },
      signals: { logs: 'logs' },
      createReceiver(_s, _c, next) {
        const inflight = new Set<Promise<void>>();
        send = () => {
          const p = next.byType.logs!.consume(sampleLogs()).then(
            () => void outcomes.push('settled'),
            (e: unknown) => void outcomes.push(`refused: ${String(e)}`),
          );
          inflight.add(p);
        };
        return { shutdown: async () => void (await Promise.all(inflight)) };
      },
    };
    const logger = memoryLogger();
    const hub = await startHub({
      configText: { text: config, name: 'shutdown.yaml' },
      registry: new Registry([...builtinFactories, ...t.factories, patient]),
      logSink: { write: (l: string) => logger.info('line', { l }) },
    });
    send!();
    send!();
    await sleep(20);
    assert.equal(t.sinks.get('test_sink')!.received.length, 0, 'held in the batch');
    await hub.shutdown();
    assert.deepEqual(outcomes, ['settled', 'settled']);
    assert.equal(t.sinks.get('test_sink')!.received.length, 1, 'one batch with both contributions');
    assert.ok(!logger.lines.some((l) => String(l.l).includes('shutdown deadline passed')), 'no deadline was needed');
  });
});
