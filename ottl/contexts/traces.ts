// The span and spanevent contexts (pkg/ottl/contexts/ottlspan, ottlspanevent).
import { PMap } from '../values.ts';
import { member, idFields, intField, mapField, stringField, timeFields } from './common.ts';
import { asId, asSmallInt, asString, hexId } from './setters.ts';
import type { FieldTable, TransformContext } from './types.ts';

const span = (ctx: TransformContext) => member(ctx, 'span');
const event = (ctx: TransformContext) => member(ctx, 'spanevent');

export const spanFields: FieldTable = {
  name: stringField('span.name', span, 'name'),
  kind: intField('span.kind', span, 'kind'),
  'status.code': {
    get: (ctx) => BigInt(span(ctx).status.code),
    set: (ctx, v) => {
      span(ctx).status.code = asSmallInt('status.code', v);
    },
  },
  'status.message': {
    get: (ctx) => span(ctx).status.message,
    set: (ctx, v) => {
      span(ctx).status.message = asString('status.message', v);
    },
  },
  trace_state: stringField('span.trace_state', span, 'traceState'),
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
