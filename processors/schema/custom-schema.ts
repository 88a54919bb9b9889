// A user's own JSON schema (`json_schema_file`), applied to the whole payload before the built-in checks. Loaded
// and compiled once: by the config check (so a bad file stops the hub at startup) and by each processor instance.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { errorPointer } from './payload-schema.ts';
import type { Problem } from './payload-schema.ts';

export type CustomSchemaResult = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

function ajvFor(schema: unknown) {
  // strictSchema: an unknown keyword (a typo such as "requried") fails at startup instead of silently checking
  // nothing. The type-related strict checks stay off: they refuse many ordinary schemas written by hand.
  // validateFormats off: ajv-formats is not bundled, and an unchecked `format` is what most validators do by default.
  // logger off: ajv would otherwise print its warnings with console.
  const opts = {
    allErrors: false,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    logger: false,
  } as const;
  const dialect = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof dialect === 'string' && dialect.includes('2020-12')) return new Ajv2020(opts);
  if (typeof dialect === 'string' && dialect.includes('2019-09')) return new Ajv2019(opts);
  return new Ajv(opts);
}

/** Reads and compiles the schema file; the message says what is wrong with it without quoting its content. */
export function loadCustomSchema(file: string): CustomSchemaResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read ${file}${code ? ` (${code})` : ''}` };
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    return { ok: false, message: `${file} is not JSON` };
  }
  if (typeof schema !== 'object' && typeof schema !== 'boolean')
    return { ok: false, message: `${file} is not a JSON schema (an object or a boolean)` };
  try {
    return { ok: true, validate: ajvFor(schema).compile(schema as object) };
  } catch (err) {
    return {
      ok: false,
      message: `${file} is not a valid JSON schema: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** The first error of the user's schema for a payload, or undefined when it passes. */
export function customSchemaProblem(validate: ValidateFunction, payload: unknown): Problem | undefined {
  if (validate(payload)) return undefined;
  const e = validate.errors?.[0];
  return {
    reason: 'custom_schema',
    path: e ? errorPointer('', e) : '',
    message: e?.message ?? 'does not match json_schema_file',
  };
}
