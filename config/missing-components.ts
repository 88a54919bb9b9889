// The Collector components hub users most often configure that otelhub does not have, each with what to use
// instead. A fixed list (README "Components"): `otelhub components` prints it beside what is available, and a config
// naming one is refused with the advice rather than a bare "unknown type". A plugin registering one of these types
// takes precedence: the list is consulted only for a type the registry does not know.
import type { Kind } from '../core/component.ts';

export type MissingKind = Kind | 'connector';

export interface MissingComponent {
  kind: MissingKind;
  type: string;
  /** What to use instead, as a sentence a user can act on. */
  instead: string;
}

const PLUGIN = 'write it as a plugin processor (README "Write your own processor")';
const BEHIND = 'or run a Collector that has it behind the hub (otlp_grpc / otlp_http exporter)';

export const MISSING_COMPONENTS: readonly MissingComponent[] = [
  { kind: 'receiver', type: 'prometheus', instead: `have the targets push OTLP (otlp receiver), ${BEHIND}` },
  { kind: 'receiver', type: 'kafka', instead: `MQTT is otelhub's broker transport (mqtt receiver), ${BEHIND}` },
  { kind: 'receiver', type: 'filelog', instead: 'send logs over OTLP (otlp receiver) or MQTT (mqtt + schema)' },
  { kind: 'receiver', type: 'jaeger', instead: 'Jaeger clients and OpenTelemetry SDKs export OTLP: otlp receiver' },
  { kind: 'receiver', type: 'zipkin', instead: 'OpenTelemetry SDKs export OTLP: otlp receiver' },
  { kind: 'processor', type: 'tail_sampling', instead: `sample in the SDKs (OTEL_TRACES_SAMPLER), ${BEHIND}` },
  {
    kind: 'processor',
    type: 'probabilistic_sampler',
    instead: `sample in the SDKs (OTEL_TRACES_SAMPLER), or ${PLUGIN}`,
  },
  { kind: 'processor', type: 'k8sattributes', instead: `set OTEL_RESOURCE_ATTRIBUTES in the pods' SDKs, ${BEHIND}` },
  { kind: 'processor', type: 'resourcedetection', instead: "set OTEL_RESOURCE_ATTRIBUTES in the SDKs' environment" },
  {
    kind: 'exporter',
    type: 'prometheus',
    instead: "push with prometheus_remote_write; the hub's own metrics are on service::telemetry::metrics::readers",
  },
  { kind: 'exporter', type: 'kafka', instead: `export OTLP (otlp_grpc / otlp_http) to a Collector that has kafka` },
  {
    kind: 'exporter',
    type: 'loadbalancing',
    instead: 'one otlp_grpc exporter per backend, or a Collector with loadbalancing behind the hub',
  },
  { kind: 'exporter', type: 'file', instead: 'azure_blob to keep data, debug to look at it' },
  { kind: 'extension', type: 'pprof', instead: "the hub's own metrics (service::telemetry) and node --inspect" },
  { kind: 'extension', type: 'zpages', instead: "the hub's own metrics (service::telemetry) and health_check" },
  { kind: 'extension', type: 'oauth2client', instead: 'bearertokenauth with a token file that something refreshes' },
  {
    kind: 'connector',
    type: 'spanmetrics',
    instead: 'compute span metrics in the backend, or in a Collector behind the hub',
  },
  { kind: 'connector', type: 'forward', instead: 'list the receivers in each pipeline that needs them' },
  { kind: 'connector', type: 'routing', instead: 'one pipeline per destination, with its own receivers' },
];

/**
 * Contrib's lower_snake_case names (its issue 45339) for entries above listed under the name most configs still use:
 * a config written with either gets the advice.
 */
const RENAMED: Readonly<Record<string, string>> = {
  file_log: 'filelog',
  load_balancing: 'loadbalancing',
  span_metrics: 'spanmetrics',
};

/** The advice for a Collector component otelhub does not have, or undefined. */
export function missingComponent(kind: MissingKind, type: string): MissingComponent | undefined {
  const listed = RENAMED[type] ?? type;
  return MISSING_COMPONENTS.find((m) => m.kind === kind && m.type === listed);
}

/** The refusal of a config naming one. */
export function missingMessage(m: MissingComponent): string {
  return `${m.kind} type "${m.type}" is a Collector component otelhub does not have: ${m.instead}`;
}
