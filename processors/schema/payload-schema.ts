// The AIO OpenTelemetry payload schema, checked item by item so that one bad item never costs its valid siblings.
// The JSON schemas below check shapes and JSON types; what a schema cannot say well (metric types, case-insensitive
// levels, 64-bit ranges, exact timestamps) is checked by the converters, which report the same way.
import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';

export type DropReason =
  | 'not_utf8'
  | 'invalid_json'
  | 'invalid_schema'
  | 'custom_schema'
  | 'unknown_metric_type'
  | 'unknown_level'
  | 'invalid_value'
  | 'invalid_timestamp';

/** Why an item (or a whole message) was refused, and where: a JSON pointer into the payload. */
export interface Problem {
  reason: DropReason;
  path: string;
  message: string;
}

const attributesSchema: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['key', 'value'],
    properties: { key: { type: 'string', minLength: 1 }, value: { type: 'string' } },
  },
};

// Unknown fields are allowed and ignored, as OTLP/JSON receivers ignore unknown fields: a publisher that adds one
// keeps working.
export const metricItemSchema: SchemaObject = {
  type: 'object',
  required: ['name', 'type', 'value'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    type: { type: 'string' },
    value: { type: 'number' },
    timestamp: { type: ['number', 'string'] },
    attributes: attributesSchema,
  },
};

export const logItemSchema: SchemaObject = {
  type: 'object',
  required: ['value', 'level'],
  properties: {
    value: { type: 'string' },
    level: { type: 'string' },
    timestamp: { type: ['number', 'string'] },
    attributes: attributesSchema,
  },
};

export interface ItemValidators {
  metric: ValidateFunction;
  log: ValidateFunction;
}

/** Compiled once per processor instance, never per message. */
export function compileItemValidators(): ItemValidators {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  return { metric: ajv.compile(metricItemSchema), log: ajv.compile(logItemSchema) };
}

/** The pointer of an ajv error, down to the missing property for `required` (`/metrics/2/value`). */
export function errorPointer(base: string, e: ErrorObject): string {
  const missing: unknown = e.keyword === 'required' ? e.params.missingProperty : undefined;
  return base + e.instancePath + (typeof missing === 'string' ? `/${missing}` : '');
}

/** The first schema error of an item as a Problem; `value` and `timestamp` have reasons of their own. */
export function itemProblem(base: string, errors: readonly ErrorObject[] | null | undefined): Problem {
  const e = errors?.[0];
  if (!e) return { reason: 'invalid_schema', path: base, message: 'does not match the schema' };
  const path = errorPointer(base, e);
  const message = e.keyword === 'required' ? 'is required' : (e.message ?? 'does not match the schema');
  // A missing value or timestamp is a missing field (invalid_schema); a present one of the wrong type is not.
  const field = e.keyword === 'required' ? '' : e.instancePath;
  if (field === '/value') return { reason: 'invalid_value', path, message };
  if (field === '/timestamp') return { reason: 'invalid_timestamp', path, message };
  return { reason: 'invalid_schema', path, message };
}
