// Files a config names (certificates, keys, token and password files) are read when a component starts. `validate`
// must refuse what start would refuse, so every value whose schema carries the `file` keyword is read and parsed here,
// at config time, and a problem is reported at its key. Errors name the file, never its contents.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SchemaObject } from 'ajv';
import type { ConfigIssue } from '../core/component.ts';
import { applicable, isPlainObject, itemSchemas, propertySchemas } from './schema-walk.ts';
import type { Schemas } from './schema-walk.ts';

/** What a file must hold: PEM certificates, a PEM private key, or any non-empty text (a token, a password file). */
export type FileKind = 'certificate' | 'private_key' | 'text';

export const FILE_KINDS: readonly FileKind[] = ['certificate', 'private_key', 'text'];

export interface FileRef {
  path: (string | number)[];
  file: string;
  kind: FileKind;
}

/** The files `value` names, by the `file` keyword of `schema` (its combinators included). */
export function fileRefs(value: unknown, schema: SchemaObject, at: (string | number)[] = []): FileRef[] {
  const out: FileRef[] = [];
  const walk = (v: unknown, schemas: Schemas, path: (string | number)[]): void => {
    const all = applicable(schemas);
    const kind = all.map((s) => s.file as unknown).find((k): k is FileKind => FILE_KINDS.includes(k as FileKind));
    if (kind && typeof v === 'string') out.push({ path, file: v, kind });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, itemSchemas(all, i), [...path, i]));
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) walk(x, propertySchemas(all, k), [...path, k]);
  };
  walk(value, [schema], at);
  return out;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function contentProblem(kind: FileKind, data: Buffer): string | undefined {
  if (kind === 'text') return data.toString('utf8').trim() === '' ? 'is empty' : undefined;
  if (kind === 'private_key') {
    try {
      createPrivateKey(data);
      return undefined;
    } catch {
      return 'holds no private key that parses (PEM expected)';
    }
  }
  const blocks = data.toString('latin1').match(PEM_CERT) ?? [];
  if (blocks.length === 0) return 'holds no PEM certificate';
  try {
    for (const b of blocks) new X509Certificate(b);
    return undefined;
  } catch {
    return 'holds a certificate that does not parse';
  }
}

/** Reads every file once and reports the ones that cannot be read or do not hold what their key needs. */
export async function checkFiles(refs: readonly FileRef[]): Promise<ConfigIssue[]> {
  const results = await Promise.all(
    refs.map(async (r): Promise<ConfigIssue | undefined> => {
      let data: Buffer;
      try {
        data = await readFile(r.file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'read failed';
        return { path: r.path, message: `cannot read ${r.file}: ${code}` };
      }
      const problem = contentProblem(r.kind, data);
      return problem ? { path: r.path, message: `${r.file} ${problem}` } : undefined;
    }),
  );
  return results.filter((i): i is ConfigIssue => i !== undefined);
}
