// What the graph tells each processor about the rest of its pipeline: whether anything after it changes data in
// place (a converter shares objects between the items it makes only when nothing does).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigSchema, ExporterFactory, ProcessorFactory } from './component.ts';
import { startTestHub } from '../test/helpers/hub.ts';

const anyConfig: ConfigSchema = { type: 'object' };

/** Passes traces on and records, per instance, what the graph told it. */
function probe(seen: Map<string, boolean | undefined>): ProcessorFactory {
  return {
    kind: 'processor',
    type: 'test_probe',
    stability: 'development',
    configSchema: anyConfig,
    signals: { traces: { accepts: 'traces', emits: 'traces' } },
    createProcessor(set, _cfg, next) {
      seen.set(set.id, set.downstreamReadOnly);
      return { consume: (data, ctx) => next.consume(data, ctx) };
    },
  };
}

/** An exporter that declares it changes the traces it is given. */
const mutatingSink: ExporterFactory = {
  kind: 'exporter',
  type: 'test_mutating_sink',
  stability: 'development',
  configSchema: anyConfig,
  signals: { traces: 'traces' },
  createExporter: () => ({ traces: { mutatesData: true, consume: async () => {} } }),
};

async function seenFor(processors: string[], exporters: string[]): Promise<Map<string, boolean | undefined>> {
  const seen = new Map<string, boolean | undefined>();
  const h = await startTestHub(
    'receivers:\n  test_source:\nprocessors:\n  test_probe/a:\n  test_probe/b:\n  test_mutator:\n  batch:\n' +
      'exporters:\n  test_sink:\n  test_mutating_sink:\n' +
      `service:\n  telemetry:\n    metrics: { level: none }\n  pipelines:\n    traces:\n      receivers: [test_source]\n` +
      `      processors: [${processors.join(', ')}]\n      exporters: [${exporters.join(', ')}]\n`,
    { factories: [probe(seen), mutatingSink] },
  );
  await h.shutdown();
  return seen;
}

describe('downstreamReadOnly', () => {
  it('is true when no processor or exporter after the processor changes data', async () => {
    const seen = await seenFor(['test_probe/a', 'batch'], ['test_sink']);
    assert.equal(seen.get('test_probe/a'), true);
  });

  it('is false before a processor that mutates, true after it', async () => {
    const seen = await seenFor(['test_probe/a', 'test_mutator', 'test_probe/b'], ['test_sink']);
    assert.equal(seen.get('test_probe/a'), false);
    assert.equal(seen.get('test_probe/b'), true);
  });

  it('is false when one of several exporters mutates: its copy keeps what the items shared', async () => {
    const seen = await seenFor(['test_probe/a'], ['test_sink', 'test_mutating_sink']);
    assert.equal(seen.get('test_probe/a'), false);
  });
});
