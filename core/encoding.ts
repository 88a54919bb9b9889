// Encoding extensions, as the Collector's `encodings` settings reference them (the azure_blob exporter's
// `encodings: { logs: text_encoding }`): an extension that turns a signal's data into bytes and back.
import type { Extension, Host } from './component.ts';
import type { PipelineType, SignalDataMap } from './pdata/index.ts';

const MARSHAL = { logs: 'marshalLogs', metrics: 'marshalMetrics', traces: 'marshalTraces' } as const;

export interface LogsMarshaler extends Extension {
  marshalLogs(data: SignalDataMap['logs']): Uint8Array;
}
export interface MetricsMarshaler extends Extension {
  marshalMetrics(data: SignalDataMap['metrics']): Uint8Array;
}
export interface TracesMarshaler extends Extension {
  marshalTraces(data: SignalDataMap['traces']): Uint8Array;
}

export interface LogsUnmarshaler extends Extension {
  /** Throws when the bytes cannot be read in the extension's encoding. */
  unmarshalLogs(bytes: Uint8Array): SignalDataMap['logs'];
}

/** Turns one signal's data into bytes. */
export type Marshal<S extends PipelineType> = (data: SignalDataMap[S]) => Uint8Array;

/** The marshal function of the encoding extension an `encodings.<signal>` setting names, checked for that signal. */
export function encodingMarshaler<S extends PipelineType>(host: Host, id: string, signal: S): Marshal<S> {
  const e = host.getExtension(id) as Record<string, unknown> | undefined;
  if (!e) throw new Error(`encoding extension "${id}" is not configured or not listed in service.extensions`);
  const fn = e[MARSHAL[signal]];
  if (typeof fn !== 'function') throw new Error(`extension "${id}" cannot encode ${signal}`);
  return (data) => (fn as (d: SignalDataMap[S]) => Uint8Array).call(e, data);
}
