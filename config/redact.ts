// Configs are printed (logs, `validate` output); values the schema marks `sensitive: true` must not be, nor the
// password of a URL.
import type { SchemaObject } from 'ajv';

export const REDACTED = '[REDACTED]';

type Schemas = SchemaObject[];

function isSchema(s: unknown): s is SchemaObject {
  return typeof s === 'object' && s !== null && !Array.isArray(s);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schemas that apply to one value: the schema itself and its combinators, since any of them may say sensitive. */
function applicable(schemas: Schemas): Schemas {
  const out: Schemas = [];
  const add = (s: unknown): void => {
    if (!isSchema(s) || out.includes(s)) return;
    out.push(s);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(s[k])) for (const sub of s[k] as unknown[]) add(sub);
    }
    add(s.then);
    add(s.else);
  };
  for (const s of schemas) add(s);
  return out;
}

function propertySchemas(schemas: Schemas, key: string): Schemas {
  const out: Schemas = [];
  for (const s of schemas) {
    let matched = false;
    if (isSchema(s.properties) && Object.hasOwn(s.properties, key)) {
      out.push(s.properties[key] as SchemaObject);
      matched = true;
    }
    if (isSchema(s.patternProperties)) {
      for (const [pattern, sub] of Object.entries(s.patternProperties)) {
        if (new RegExp(pattern, 'u').test(key)) {
          out.push(sub as SchemaObject);
          matched = true;
        }
      }
    }
    if (!matched && isSchema(s.additionalProperties)) out.push(s.additionalProperties);
  }
  return out;
}

function itemSchemas(schemas: Schemas, index: number): Schemas {
  const out: Schemas = [];
  for (const s of schemas) {
    if (Array.isArray(s.items)) {
      const sub: unknown = index < s.items.length ? s.items[index] : s.additionalItems;
      if (isSchema(sub)) out.push(sub);
    } else if (isSchema(s.items)) {
      out.push(s.items);
    }
  }
  return out;
}

// scheme://user:password@host...: a credential inside a URL (an endpoint, a proxy) is sensitive wherever it appears,
// whatever the key's schema says. The user name stays, so the output still tells which account is configured.
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:)[^/?#@\s]*@/i;

/** `value` with the password of a URL in it replaced by [REDACTED], if it is such a string. */
export function redactUrlCredentials(value: string): string {
  return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

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
