// Configs are printed (logs, `validate` output); values the schema marks `sensitive: true` must not be, nor the
// password of a URL.
import type { SchemaObject } from 'ajv';
import { applicable, isPlainObject, itemSchemas, propertySchemas } from './schema-walk.ts';
import type { Schemas } from './schema-walk.ts';

import { REDACTED, redactUrlCredentials } from '../core/redact-url.ts';

// A credential inside a URL is sensitive wherever it appears, whatever the key's schema says (core/redact-url.ts).
export { REDACTED };

function redactWith(value: unknown, schemas: Schemas): unknown {
  const all = applicable(schemas);
  if (all.some((s) => s.sensitive === true)) return value === undefined ? undefined : REDACTED;
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map((v, i) => redactWith(v, itemSchemas(all, i)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // defineProperty, as `out[key] = ` with key `__proto__` would change the object's prototype instead.
    Object.defineProperty(out, key, {
      value: redactWith(v, propertySchemas(all, key)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A deep copy with every value whose schema says `sensitive: true` replaced by `[REDACTED]`. `$ref` is not followed. */
export function redact(value: unknown, schema: SchemaObject): unknown {
  return redactWith(value, [schema]);
}
