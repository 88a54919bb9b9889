// The component model: factories registered by type, each creating receivers, processors, exporters or extensions
// from a validated config. Modelled on the Collector's component package.
import type { SchemaObject } from 'ajv';
import type { Consumer } from './consumer.ts';
import type { Logger } from './logger.ts';
import type { PipelineType, Signal, SignalData, SignalDataMap } from './pdata/index.ts';
import type { HubDescription } from './inspect.ts';
import type { ComponentStatus, StatusEntry } from './status.ts';
import type { Telemetry } from './telemetry.ts';

export type Kind = 'receiver' | 'processor' | 'exporter' | 'extension';
export const KINDS: readonly Kind[] = ['receiver', 'processor', 'exporter', 'extension'];

export type Stability = 'development' | 'alpha' | 'beta' | 'stable' | 'deprecated';

/** A JSON schema (draft-07, as ajv compiles it) with otelhub's keywords: `duration: true`, `sensitive: true`. */
export type ConfigSchema = SchemaObject;

/** A problem found in a component's config, at a path below the component (empty path: the component itself). */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

export interface Host {
  /** A started extension by ID (`bearertokenauth/x`), or undefined. */
  getExtension(id: string): Extension | undefined;
  /** Every component's status; ready() when all are `ok` (what health_check answers). */
  readonly status: { ready(): boolean; snapshot(): Record<string, StatusEntry> };
  /** The hub as configured (pipelines, config text), for extensions that show it; absent in bare test hosts. */
  describe?(): HubDescription;
}

export interface CreateSettings {
  /** `type` or `type/name`. */
  readonly id: string;
  /**
   * The IDs this component had under its type's deprecated names (`otlphttp/backend` for `otlp_http/backend`), so
   * state kept on disk under one of them (a persistent queue) outlives renaming the config. Absent when none.
   */
  readonly formerIds?: readonly string[];
  readonly kind: Kind;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** Tells the hub how the component is doing; `recoverable_error` makes the hub not ready until `ok` again. */
  reportStatus(status: ComponentStatus, err?: unknown): void;
}

export interface ProcessorCreateSettings extends CreateSettings {
  /** The pipeline this instance belongs to (processors are created per pipeline). */
  readonly pipelineId: string;
  readonly pipelineType: PipelineType;
  /**
   * true when nothing after this processor in its pipeline changes the data it is given (no processor or exporter
   * after it declares `mutatesData`): then the items this processor emits may share objects with each other and
   * with those of its other consumes (a converter's constant attributes), as long as it never changes them itself.
   * Absent or false: each item needs objects of its own.
   */
  readonly downstreamReadOnly?: boolean;
}

/** start and shutdown are optional; the hub calls shutdown once even if asked twice, but components should cope. */
export interface Lifecycle {
  start?(host: Host): Promise<void>;
  /**
   * The hub began shutting down, before anything is stopped: stop waiting for what may never come (an exporter's
   * retries) but keep taking data, which still drains from the processors.
   */
  beginShutdown?(): void;
  /**
   * Before anything else in shutdown, while the pipelines and exporters still run: hand this component's share of
   * work to others (the mqtt receiver leaves its shared subscription and drains its session). Settles by `deadline`
   * (epoch milliseconds); the hub stops waiting then.
   */
  prepareShutdown?(deadline: number): Promise<void>;
  shutdown?(): Promise<void>;
}

export type Receiver = Lifecycle;

export interface Processor<In extends SignalData = SignalData> extends Lifecycle, Consumer<In> {}

/** An exporter consumes each signal it declares through the matching member. */
export type Exporter = Lifecycle & { [S in Signal]?: Consumer<SignalDataMap[S]> };

export type Extension = Lifecycle;

/** The consumers a receiver sends to: per pipeline type, and all of them together. */
export interface ReceiverConsumers {
  /** By pipeline type; each fans out to every pipeline of that type that lists this receiver. */
  readonly byType: Readonly<Partial<Record<PipelineType, Consumer>>>;
  /** Every pipeline this receiver feeds, whatever its type (for receivers that emit `messages` everywhere). */
  readonly all: Consumer;
}

interface FactoryBase<C> {
  /** lower_snake_case, unique within its kind. */
  readonly type: string;
  /**
   * Former names still accepted (the Collector renamed `azureblob` to `azure_blob`): a config using one works and
   * is warned about once per component ID.
   */
  readonly deprecatedTypes?: readonly string[];
  readonly stability: Stability;
  readonly description?: string;
  /** Validated with ajv: defaults applied, unknown keys refused (set `additionalProperties: false`). */
  readonly configSchema: ConfigSchema;
  /** Checks the schema cannot express (the Collector's Validate()); called with defaults applied. */
  validate?(config: C): ConfigIssue[];
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'receiver';
  /** Per pipeline type this receiver can feed: the signal it emits there. */
  readonly signals: Readonly<Partial<Record<PipelineType, Signal>>>;
  createReceiver(settings: CreateSettings, config: C, next: ReceiverConsumers): Receiver | Promise<Receiver>;
}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'processor';
  /** Per pipeline type: the signal accepted and the signal emitted (different for converters). */
  readonly signals: Readonly<Partial<Record<PipelineType, { accepts: Signal; emits: Signal }>>>;
  /** true when the processor changes the data it is given in place. */
  readonly mutatesData?: boolean;
  /**
   * Checks that depend on the type of a pipeline the processor is used in (a property that signal does not have),
   * with paths below the component, run at load time for every pipeline type that lists it; called with a config
   * that passed the schema and validate().
   */
  validateForPipeline?(config: C, type: PipelineType): ConfigIssue[];
  createProcessor(settings: ProcessorCreateSettings, config: C, next: Consumer): Processor | Promise<Processor>;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  /** Per pipeline type: the signal accepted. */
  readonly signals: Readonly<Partial<Record<PipelineType, Signal>>>;
  createExporter(settings: CreateSettings, config: C): Exporter | Promise<Exporter>;
  /**
   * IDs of the extensions this config uses that may be left undeclared (an encoding extension): the hub creates
   * such an extension with its defaults and says so, rather than refusing the config.
   */
  implicitExtensions?(config: C): string[];
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'extension';
  createExtension(settings: CreateSettings, config: C): Extension | Promise<Extension>;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;

/** Typed identity helpers, so a factory literal checks against its config type. */
export function defineReceiver<C>(f: ReceiverFactory<C>): ReceiverFactory<C> {
  return f;
}
export function defineProcessor<C>(f: ProcessorFactory<C>): ProcessorFactory<C> {
  return f;
}
export function defineExporter<C>(f: ExporterFactory<C>): ExporterFactory<C> {
  return f;
}
export function defineExtension<C>(f: ExtensionFactory<C>): ExtensionFactory<C> {
  return f;
}

/** Splits `type/name` into its parts. */
export function parseId(id: string): { type: string; name: string | undefined } {
  const i = id.indexOf('/');
  return i < 0 ? { type: id, name: undefined } : { type: id.slice(0, i), name: id.slice(i + 1) };
}

export const TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;
