// JSON-schema validation of component configs with ajv, plus otelhub's keywords:
//   duration: true   the value is a duration string (or 0), replaced in place by its milliseconds;
//   sensitive: true  the value must never be printed (see redact).
import { Ajv } from 'ajv';
import type { SchemaObject, SchemaValidateFunction, ValidateFunction } from 'ajv';
import { parseDuration } from './duration.ts';
import { schemaIssues, type SchemaIssue } from './schema-issues.ts';

export { redact, REDACTED } from './redact.ts';
export { suggest } from './suggest.ts';
export type { SchemaIssue } from './schema-issues.ts';

const NOT_A_DURATION = 'must be a duration string such as "200ms" or "5s"';

const validateDuration: SchemaValidateFunction = function duration(enabled, data, _parentSchema, cxt) {
  if (enabled !== true) return true;
  let ms: number;
  if (data === 0) {
    ms = 0;
  } else if (typeof data !== 'string') {
    validateDuration.errors = [{ keyword: 'duration', message: NOT_A_DURATION, params: {} }];
    return false;
  } else {
    try {
      ms = parseDuration(data);
    } catch (err) {
      // Durations are not secrets, and quoting the bad one is what makes the message useful.
      validateDuration.errors = [{ keyword: 'duration', message: (err as Error).message, params: {} }];
      return false;
    }
  }
  // At the root there is no parent to write to; component configs are always objects, so this does not happen.
  if (cxt?.parentData !== undefined) (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = ms;
  return true;
};

/**
 * An ajv instance for config schemas. Strict, so a mistake in a component's schema fails loudly at compile time
 * rather than silently accepting anything; union types (`type: [string, number]`) are allowed, durations need them.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addKeyword({
    keyword: 'duration',
    schemaType: 'boolean',
    modifying: true,
    errors: true,
    validate: validateDuration,
  });
  ajv.addKeyword({ keyword: 'sensitive', schemaType: 'boolean' });
  // Read and parsed at config time (file-check.ts): certificate, private_key or text.
  ajv.addKeyword({ keyword: 'file', schemaType: 'string' });
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new WeakMap<SchemaObject, ValidateFunction>();

function validatorFor(schema: SchemaObject): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    shared ??= createAjv();
    v = shared.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/**
 * Validates a copy of `value` (the caller's object is left alone) and returns it with defaults applied and
 * durations in milliseconds, together with every issue found. null or undefined, as YAML gives for `batch:`, is
 * validated as `{}`. Throws if the schema itself is invalid.
 */
export function validateConfig(schema: SchemaObject, value: unknown): { value: unknown; issues: SchemaIssue[] } {
  const validate = validatorFor(schema);
  const copy: unknown = value === null || value === undefined ? {} : structuredClone(value);
  if (validate(copy)) return { value: copy, issues: [] };
  return { value: copy, issues: schemaIssues(validate.errors ?? [], copy) };
}
