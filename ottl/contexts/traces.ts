// The span and spanevent contexts (pkg/ottl/contexts/ottlspan, ottlspanevent).
import { PMap } from '../values.ts';
import { member, idFields, intField, mapField, stringField, timeFields } from './common.ts';
import { OttlRuntimeError } from '../errors.ts';
import { asId, asSmallInt, asString, hexId } from './setters.ts';
import type { Field, FieldTable, TransformContext } from './types.ts';

const span = (ctx: TransformContext) => member(ctx, 'span');

/** The Collector's `kind.string`: pdata's names of the span kinds, by number. */
const KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];

/** `trace_state["k"]`: one member of the W3C tracestate list (`k1=v1,k2=v2`); setting it moves it to the front. */
const traceStateKey: NonNullable<Field['keyed']> = {
  get: (ctx, key) => {
    for (const member of span(ctx).traceState.split(',')) {
      const eq = member.indexOf('=');
      if (eq > 0 && member.slice(0, eq).trim() === key) return member.slice(eq + 1).trim();
    }
    return null;
  },
  set: (ctx, key, v) => {
    const value = asString(`trace_state["${key}"]`, v);
    if (!/^[\x20-\x2b\x2d-\x3c\x3e-\x7e]*[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/.test(value))
      throw new OttlRuntimeError(`trace_state["${key}"]: "${value}" is not a valid tracestate value`);
    const s = span(ctx);
    const rest = s.traceState
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '' && m.slice(0, m.indexOf('=')) !== key);
    s.traceState = [`${key}=${value}`, ...rest].join(',');
  },
};
const event = (ctx: TransformContext) => member(ctx, 'spanevent');

export const spanFields: FieldTable = {
  name: stringField('span.name', span, 'name'),
  kind: intField('span.kind', span, 'kind', 'int32'),
  'status.code': {
    get: (ctx) => BigInt(span(ctx).status.code),
    set: (ctx, v) => {
      span(ctx).status.code = asSmallInt('status.code', v, 'int32');
    },
  },
  'status.message': {
    get: (ctx) => span(ctx).status.message,
    set: (ctx, v) => {
      span(ctx).status.message = asString('status.message', v);
    },
  },
  trace_state: { ...stringField('span.trace_state', span, 'traceState'), keyed: traceStateKey },
  'kind.string': {
    get: (ctx) => KIND_NAMES[span(ctx).kind] ?? '',
    set: (ctx, v) => {
      const i = KIND_NAMES.indexOf(asString('kind.string', v));
      if (i < 0) throw new OttlRuntimeError(`kind.string must be one of ${KIND_NAMES.join(', ')}`);
      span(ctx).kind = i;
    },
  },
  attributes: mapField('span.attributes', (ctx) => span(ctx).attributes),
  dropped_attributes_count: intField('span.dropped_attributes_count', span, 'droppedAttributesCount'),
  dropped_events_count: intField('span.dropped_events_count', span, 'droppedEventsCount'),
  dropped_links_count: intField('span.dropped_links_count', span, 'droppedLinksCount'),
  flags: intField('span.flags', span, 'flags'),
  ...idFields('trace_id', 16, span, 'traceId', asId, hexId),
  ...idFields('span_id', 8, span, 'spanId', asId, hexId),
  ...idFields('parent_span_id', 8, span, 'parentSpanId', asId, hexId),
  ...timeFields('start_time', span, 'startTimeUnixNano'),
  ...timeFields('end_time', span, 'endTimeUnixNano'),
  // Read-only views of the events: a list of maps (name, time_unix_nano, attributes), as the Collector's
  // `events` reads. Events are changed through the spanevent context.
  events: {
    indexable: true,
    get: (ctx) =>
      span(ctx).events.map(
        (e) =>
          new PMap([
            { key: 'name', value: { stringValue: e.name } },
            { key: 'time_unix_nano', value: { intValue: e.timeUnixNano } },
            { key: 'attributes', value: { kvlistValue: { values: e.attributes } } },
          ]),
      ),
  },
};

export const spanEventFields: FieldTable = {
  name: stringField('spanevent.name', event, 'name'),
  attributes: mapField('spanevent.attributes', (ctx) => event(ctx).attributes),
  dropped_attributes_count: intField('spanevent.dropped_attributes_count', event, 'droppedAttributesCount'),
  ...timeFields('time', event, 'timeUnixNano'),
};
