// For tests of the otlp and otlphttp exporters: build one from a raw config as the hub would (schema, defaults,
// validate), start it against a host holding the given extensions, and a started bearer token authenticator.
import assert from 'node:assert/strict';
import { validateConfig } from '../../config/schema.ts';
import type { Exporter, ExporterFactory, Extension, Host } from '../../core/component.ts';
import { StatusBoard } from '../../core/status.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { bearerTokenAuthFactory } from '../../extensions/bearertokenauth/factory.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import type { TestSettings } from '../../test/helpers/settings.ts';

/** Retries fast enough for a test: behaviour is what is tested, never timing. */
export const FAST_RETRY = { initial_interval: '10ms', max_interval: '20ms', randomization_factor: 0, max_elapsed_time: '20s' };

export function hostWith(extensions: Record<string, Extension> = {}): Host {
  return { getExtension: (id) => extensions[id], status: new StatusBoard() };
}

export function configFor<C>(factory: ExporterFactory<C>, raw: Record<string, unknown>): C {
  const { value, issues } = validateConfig(factory.configSchema, raw);
  assert.deepEqual(issues, [], 'schema accepts the config');
  assert.deepEqual(factory.validate?.(value as C) ?? [], [], 'validate accepts the config');
  return value as C;
}

export interface Running {
  exporter: Exporter & Required<Pick<Exporter, 'traces' | 'metrics' | 'logs'>>;
  settings: TestSettings;
  telemetry: Telemetry;
}

export async function startExporter<C>(factory: ExporterFactory<C>, raw: Record<string, unknown>, host: Host = hostWith()): Promise<Running> {
  const telemetry = new Telemetry();
  const settings = testSettings(`${factory.type}/test`, 'exporter', telemetry);
  const exporter = (await factory.createExporter(settings, configFor(factory, raw))) as Running['exporter'];
  await exporter.start?.(host);
  return { exporter, settings, telemetry };
}

export async function bearerAuth(token: string): Promise<Extension> {
  const settings = testSettings('bearertokenauth', 'extension');
  const ext = await bearerTokenAuthFactory.createExtension(settings, { scheme: 'Bearer', token, header: 'authorization' });
  await ext.start?.(hostWith());
  return ext;
}

/** Settles within the test, or tells which promise did not. */
export async function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
