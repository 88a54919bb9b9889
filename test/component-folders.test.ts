// Every built-in component keeps the same folder shape, its testdata config cases behave as their names say
// (`invalid-*` and `unknown-*` are refused, the rest accepted), and its README's config table names every key.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
        const issues = v.issues.length ? v.issues : (f.validate?.(v.value as never) ?? []);
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
