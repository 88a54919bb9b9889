// For tests of the otlp_grpc and otlp_http exporters: build one from a raw config as the hub would (schema, defaults,
// validate), start it against a host holding the given extensions, and a started bearer token authenticator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig } from '../../config/schema.ts';
import type { Exporter, ExporterFactory, Extension, Host } from '../../core/component.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { bearerTokenAuthFactory } from '../../extensions/bearertokenauth/factory.ts';
import { sampleLogs, sampleMetrics, sampleTraces } from './sample-data.ts';
import { hostWith, testSettings } from './settings.ts';
import type { TestSettings } from './settings.ts';

/** Retries fast enough for a test: behaviour is what is tested, never timing. */
export const FAST_RETRY = {
  initial_interval: '10ms',
  max_interval: '20ms',
  randomization_factor: 0,
  max_elapsed_time: '20s',
};

/** One attempt per request: a failure comes straight back. */
export const NO_RETRY = { retry_on_failure: { enabled: false } };

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

export async function startExporter<C>(
  factory: ExporterFactory<C>,
  raw: Record<string, unknown>,
  host: Host = hostWith(),
): Promise<Running> {
  const telemetry = new Telemetry();
  const settings = testSettings(`${factory.type}/test`, 'exporter', telemetry);
  const exporter = (await factory.createExporter(settings, configFor(factory, raw))) as Running['exporter'];
  await exporter.start?.(host);
  return { exporter, settings, telemetry };
}

/** What sendSamples sends, in order: traces, metrics, logs. */
export function samples(): unknown[] {
  return [sampleTraces(), sampleMetrics(), sampleLogs()];
}

/** Starts an exporter, sends it the sample traces, metrics and logs one after the other, and shuts it down. */
export async function sendSamples<C>(factory: ExporterFactory<C>, raw: Record<string, unknown>): Promise<void> {
  const { exporter } = await startExporter(factory, raw);
  try {
    await exporter.traces.consume(sampleTraces());
    await exporter.metrics.consume(sampleMetrics());
    await exporter.logs.consume(sampleLogs());
  } finally {
    await exporter.shutdown?.();
  }
}

/** Starts an exporter, sends it the sample traces once and shuts it down: what the send rejected with, if anything. */
export async function traceFailure<C>(factory: ExporterFactory<C>, raw: Record<string, unknown>): Promise<unknown> {
  const { exporter } = await startExporter(factory, raw);
  const err = await exporter.traces.consume(sampleTraces()).catch((e: unknown) => e);
  await exporter.shutdown?.();
  return err;
}

/**
 * A config file from a component's testdata folder through the schema, then (if that passed) validate: the config
 * with defaults applied, and every issue as `path: message`.
 */
export function loadTestdata<C>(factory: ExporterFactory<C>, dir: URL, name: string): { config: C; errors: string[] } {
  const raw: unknown = parse(readFileSync(new URL(name, dir), 'utf8'));
  const { value, issues } = validateConfig(factory.configSchema, raw);
  const config = value as C;
  const all = issues.length > 0 ? issues : (factory.validate?.(config) ?? []);
  return { config, errors: all.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

export async function bearerAuth(token: string): Promise<Extension> {
  const settings = testSettings('bearertokenauth', 'extension');
  const ext = await bearerTokenAuthFactory.createExtension(settings, {
    scheme: 'Bearer',
    token,
    header: 'authorization',
  });
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
