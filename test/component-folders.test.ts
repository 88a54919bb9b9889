// Every built-in component keeps the same folder shape, its testdata config cases behave as their names say
// (`invalid-*` and `unknown-*` are refused, the rest accepted), and its README's config table names every key.
// What only tests use lives under test/ (or bench/), so the published folders hold production code, its tests and
// their testdata, and nothing published imports from test/.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinFactories } from '../components.ts';
import { loadConfigText } from '../config/load.ts';
import { validateConfig } from '../config/schema.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const FOLDER = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
} as const;

for (const f of builtinFactories) {
  const dir = `${root}${FOLDER[f.kind]}/${f.type}`;
  describe(`${f.kind} ${f.type} folder`, () => {
    it('has factory.ts, config.ts, README.md, tests and testdata', () => {
      for (const file of ['factory.ts', 'config.ts', 'README.md', 'testdata'])
        assert.ok(existsSync(`${dir}/${file}`), `${dir}/${file}`);
      assert.ok(readdirSync(dir).some((n) => n.endsWith('.test.ts')) || existsSync(`${root}test/conformance.test.ts`));
    });

    it('accepts its valid config cases and refuses its invalid ones', () => {
      const cases = readdirSync(`${dir}/testdata`).filter((n) => n.endsWith('.yaml'));
      assert.ok(
        cases.some((n) => /^(invalid|unknown)-/.test(n)),
        'has at least one invalid case',
      );
      assert.ok(
        cases.some((n) => !/^(invalid|unknown)-/.test(n)),
        'has at least one valid case',
      );
      for (const name of cases) {
        const loaded = loadConfigText(readFileSync(`${dir}/testdata/${name}`, 'utf8'), name, {});
        assert.deepEqual(loaded.issues, [], `${name} parses`);
        const v = validateConfig(f.configSchema, loaded.config?.value);
        const issues = v.issues.length ? v.issues : (f.validate?.(v.value) ?? []);
        if (/^(invalid|unknown)-/.test(name)) assert.ok(issues.length > 0, `${name} must be refused`);
        else assert.deepEqual(issues, [], `${name} must be accepted`);
      }
    });

    it('documents every config key in its README', () => {
      const readme = readFileSync(`${dir}/README.md`, 'utf8');
      for (const key of Object.keys((f.configSchema.properties ?? {}) as object))
        assert.match(readme, new RegExp(`\`${key}\``), `README mentions \`${key}\``);
    });
  });
}

/** The folders package.json publishes, as far as they hold code. */
const PRODUCTION = ['cli', 'config', 'core', 'otlp', 'ottl', 'receivers', 'processors', 'exporters', 'extensions'];
const NOT_SOURCE = new Set(['node_modules', 'dist', '.git', '.tmp']);

/** Every .ts and .js file below `dir` (relative to the root, with `/`). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory() && !NOT_SOURCE.has(e.name)) out.push(...sourceFiles(path));
    else if (e.isFile() && /\.[cm]?[jt]s$/.test(e.name)) out.push(path);
  }
  return out;
}

/** What tests alone run: test files, their testdata, and everything under test/ and bench/. */
const testSide = (file: string): boolean =>
  /\.test\.[cm]?[jt]s$/.test(file) || /(^|\/)testdata\//.test(file) || /^(test|bench)\//.test(file);

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The files `file` imports by relative path, relative to the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => relative(root, resolve(root, dirname(file), m[1] ?? '')));
}

describe('test helpers stay out of production folders', () => {
  const files = sourceFiles('');
  const imports = new Map(files.map((f) => [f, importsOf(f)]));

  it('no file outside test/ and bench/ (other than tests and testdata) imports from test/', () => {
    const offending = files
      .filter((f) => !testSide(f))
      .flatMap((f) => (imports.get(f) ?? []).filter((i) => i.startsWith('test/')).map((i) => `${f} -> ${i}`));
    assert.deepEqual(offending, [], 'move what these import out of test/, or move the importer under test/');
  });

  it('no test-*.ts file sits in a production folder', () => {
    const offending = files.filter((f) => PRODUCTION.includes(f.split('/')[0] ?? '') && /(^|\/)test-[^/]*$/.test(f));
    assert.deepEqual(offending, [], 'test helpers belong under test/helpers/');
  });

  it('no production file is imported by tests alone', () => {
    const importers = new Map<string, string[]>();
    for (const [f, deps] of imports) for (const d of deps) importers.set(d, [...(importers.get(d) ?? []), f]);
    const offending = files.filter((f) => {
      if (!PRODUCTION.includes(f.split('/')[0] ?? '') || testSide(f)) return false;
      const by = importers.get(f) ?? [];
      return by.length > 0 && by.every(testSide);
    });
    assert.deepEqual(offending, [], 'only tests import these: move them under test/helpers/');
  });
});
