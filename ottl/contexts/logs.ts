// The log context (pkg/ottl/contexts/ottllog).
import { OttlRuntimeError } from '../errors.ts';
import { fromAnyValue, stringLike, toAnyValue } from '../values.ts';
import { idFields, intField, mapField, member, stringField, timeFields } from './common.ts';
import { asId, hexId } from './setters.ts';
import type { FieldTable, TransformContext } from './types.ts';

const log = (ctx: TransformContext) => member(ctx, 'log');

export const logFields: FieldTable = {
  body: {
    indexable: true,
    get: (ctx) => fromAnyValue(log(ctx).body),
    set: (ctx, v) => {
      log(ctx).body = toAnyValue(v);
    },
  },
  // The body as a string whatever its type (maps and lists as JSON), as the Collector's `body.string`.
  'body.string': {
    get: (ctx) => stringLike(fromAnyValue(log(ctx).body)) ?? '',
    set: (ctx, v) => {
      if (typeof v !== 'string') throw new OttlRuntimeError('body.string must be set to a string');
      log(ctx).body = { stringValue: v };
    },
  },
  severity_number: intField('log.severity_number', log, 'severityNumber', 'int32'),
  severity_text: stringField('log.severity_text', log, 'severityText'),
  event_name: stringField('log.event_name', log, 'eventName'),
  attributes: mapField('log.attributes', (ctx) => log(ctx).attributes),
  dropped_attributes_count: intField('log.dropped_attributes_count', log, 'droppedAttributesCount'),
  flags: intField('log.flags', log, 'flags'),
  ...idFields('trace_id', 16, log, 'traceId', asId, hexId),
  ...idFields('span_id', 8, log, 'spanId', asId, hexId),
  ...timeFields('time', log, 'timeUnixNano'),
  ...timeFields('observed_time', log, 'observedTimeUnixNano'),
};
