// The checks every component factory must pass, built-in or a user's plugin:
//   its default config is valid and its schema refuses unknown keys;
//   create then shutdown without start; start, consume, shutdown; shutdown twice.
// Call runConformance from a test file with the factories to check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Factory, Host, Lifecycle, ReceiverConsumers } from '../core/component.ts';
import type { Consumer } from '../core/consumer.ts';
import { ConsumerError } from '../core/errors.ts';
import { signalOf } from '../core/obsreport.ts';
import type { PipelineType, Signal, SignalData } from '../core/pdata/index.ts';
import { StatusBoard } from '../core/status.ts';
import { validateConfig } from '../config/schema.ts';
import { sampleData } from './helpers/sample-data.ts';
import { testProcessorSettings, testSettings } from './helpers/settings.ts';

export interface ConformanceOptions {
  /**
   * Config to use instead of the default, by `kind:type` (`receiver:otlp`, `exporter:otlp_grpc`): a listener on port 0
   * instead of a fixed port, an exporter that gives up at once instead of retrying for minutes.
   */
  overrides?: Record<string, Record<string, unknown>>;
  /** `kind:type` of components whose config has required keys, so `{}` cannot be valid (an authenticator's credential). */
  requiresConfig?: string[];
}

const key = (f: Factory): string => `${f.kind}:${f.type}`;

const host = (): Host => ({ getExtension: () => undefined, status: new StatusBoard() });

function recorder(): Consumer & { got: SignalData[] } {
  const got: SignalData[] = [];
  return { got, consume: async (d) => void got.push(d) };
}

function configFor(f: Factory, opts: ConformanceOptions): unknown {
  const { value, issues } = validateConfig(f.configSchema, opts.overrides?.[key(f)] ?? {});
  assert.deepEqual(issues, [], `config of ${f.kind} ${f.type} must be valid`);
  return value;
}

async function create(
  f: Factory,
  config: unknown,
  type: PipelineType,
  next: Consumer,
): Promise<Lifecycle & Partial<Record<Signal, Consumer>>> {
  switch (f.kind) {
    case 'receiver': {
      const consumers: ReceiverConsumers = { byType: { [type]: next }, all: next };
      return f.createReceiver(testSettings(f.type, 'receiver'), config, consumers);
    }
    case 'processor':
      return await f.createProcessor(testProcessorSettings(f.type, type), config, next);
    case 'exporter':
      return f.createExporter(testSettings(f.type, 'exporter'), config);
    case 'extension':
      return f.createExtension(testSettings(f.type, 'extension'), config);
  }
}

function pipelineTypes(f: Factory): PipelineType[] {
  return 'signals' in f ? (Object.keys(f.signals) as PipelineType[]) : ['metrics'];
}

export function runConformance(factories: readonly Factory[], opts: ConformanceOptions = {}): void {
  // A key left behind by a rename (`exporter:otlp`) would silently give that component its default config: an
  // exporter retrying for minutes against a port nothing listens on.
  it('names only components that exist in its overrides and requiresConfig', () => {
    const known = new Set(factories.map(key));
    const named = [...Object.keys(opts.overrides ?? {}), ...(opts.requiresConfig ?? [])];
    assert.deepEqual(
      named.filter((k) => !known.has(k)),
      [],
    );
  });
  for (const f of factories) {
    describe(`conformance: ${f.kind} ${f.type}`, () => {
      it('has a valid default config', () => {
        const { value, issues } = validateConfig(
          f.configSchema,
          opts.requiresConfig?.includes(key(f)) ? opts.overrides?.[key(f)] : {},
        );
        assert.deepEqual(issues, []);
        assert.deepEqual(f.validate?.(value as never) ?? [], []);
      });

      it('refuses unknown keys', () => {
        const { issues } = validateConfig(f.configSchema, { ...(opts.overrides?.[key(f)] ?? {}), no_such_key_xyz: 1 });
        assert.ok(
          issues.some((i) => i.path.includes('no_such_key_xyz')),
          `schema of ${f.type} must set additionalProperties: false`,
        );
      });

      it('declares its signals consistently', () => {
        if (f.kind === 'extension') return;
        assert.ok(Object.keys(f.signals).length > 0, 'supports at least one pipeline type');
        for (const t of Object.keys(f.signals))
          assert.ok(['traces', 'metrics', 'logs'].includes(t), `${t} is a pipeline type`);
      });

      for (const type of pipelineTypes(f)) {
        it(`creates and shuts down without start (${type})`, async () => {
          const c = await create(f, configFor(f, opts), type, recorder());
          await c.shutdown?.();
        });

        it(`starts, consumes, shuts down, and shuts down again (${type})`, async () => {
          const next = recorder();
          const c = await create(f, configFor(f, opts), type, next);
          await c.start?.(host());
          if (f.kind === 'processor') {
            const s = f.signals[type]!;
            // The flush hint makes anything that holds data (a batch) send it now.
            await (c as unknown as Consumer).consume(sampleData(s.accepts), { flush: true });
            await c.shutdown?.();
            for (const d of next.got) assert.equal(signalOf(d), s.emits, `emits ${s.emits}`);
          } else if (f.kind === 'exporter') {
            const signal = f.signals[type]!;
            const consumer = c[signal];
            assert.ok(consumer, `has a ${signal} consumer`);
            // An exporter may fail to deliver (nothing listens in this test), but it must settle, and with an
            // error upstream can act on, never throw synchronously or hang.
            await consumer.consume(sampleData(signal)).catch((err: unknown) => {
              assert.ok(err instanceof ConsumerError, `export failures are ConsumerErrors, got ${String(err)}`);
            });
            await c.shutdown?.();
          } else {
            await c.shutdown?.();
          }
          await c.shutdown?.();
        });
      }
    });
  }
}
