// ottl/README.md lists exactly what is supported: every path of every context, every function and every enum.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENUMS, FIELDS } from './contexts/index.ts';
import { FUNCTIONS } from './functions/index.ts';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

describe('ottl README', () => {
  it('names every path of every context in its context line', () => {
    for (const [context, fields] of Object.entries(FIELDS)) {
      const line = readme.split('\n- ').find((l) => l.startsWith(`\`${context}\`:`));
      assert.ok(line, `a line for ${context}`);
      for (const path of Object.keys(fields)) assert.ok(line.includes(`\`${path}\``), `${context}: ${path}`);
    }
  });

  it('names every function with its parameters', () => {
    for (const f of FUNCTIONS.values()) assert.ok(readme.includes(`\`${f.name}(`), f.name);
  });

  it('names every enum (severities by level)', () => {
    for (const signal of ['traces', 'metrics'] as const)
      for (const name of ENUMS[signal].keys()) assert.ok(readme.includes(`\`${name}\``), name);
    for (const level of ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'])
      assert.ok(readme.includes(`\`${level}\``));
  });
});
