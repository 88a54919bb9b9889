// Following a JSON schema alongside a value: which (sub)schemas apply to a key or an item. Shared by the walks that
// read the schema's own keywords (sensitive: redact.ts; file: file-check.ts). `$ref` is not followed.
import type { SchemaObject } from 'ajv';

export type Schemas = SchemaObject[];

export function isSchema(s: unknown): s is SchemaObject {
  return typeof s === 'object' && s !== null && !Array.isArray(s);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schemas that apply to one value: the schema itself and its combinators, since any of them may say sensitive. */
export function applicable(schemas: Schemas): Schemas {
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

export function propertySchemas(schemas: Schemas, key: string): Schemas {
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

export function itemSchemas(schemas: Schemas, index: number): Schemas {
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
