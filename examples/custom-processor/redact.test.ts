import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { attributes, consumerFn, getAttribute, logRecord, logs } from 'otelhub';
import type { Logs } from 'otelhub';
import { builtinFactories } from '../../components.ts';
import { Registry } from '../../core/registry.ts';
import { loadHubConfig, startHub } from '../../cli/hub.ts';
import { formatIssue } from '../../config/issues.ts';
import { testComponents } from '../../test/helpers/components.ts';
import { runConformance } from '../../test/conformance.ts';
import { redactFactory } from './factory.ts';
import { RedactProcessor } from './redact.ts';

const testdata = (f: string) => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url));

const record = () =>
  logs([logRecord({ attributes: attributes({ 'user.email': 'a@b.c', token: 's3cret', keep: 'me' }) })]);
const attrsOf = (l: Logs) => l.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes ?? [];

describe('redact example processor', () => {
  it('replaces the listed attributes and passes the rest on', async () => {
    const out: Logs[] = [];
    const p = new RedactProcessor(
      { keys: ['user.email', 'token'], replacement: '***', delete: false },
      consumerFn(async (d) => void out.push(d as Logs)),
    );
    await p.consume(record());
    assert.equal(getAttribute(attrsOf(out[0]!), 'user.email'), '***');
    assert.equal(getAttribute(attrsOf(out[0]!), 'token'), '***');
    assert.equal(getAttribute(attrsOf(out[0]!), 'keep'), 'me');
  });

  it('deletes them when asked', async () => {
    const out: Logs[] = [];
    const p = new RedactProcessor(
      { keys: ['token'], replacement: '', delete: true },
      consumerFn(async (d) => void out.push(d as Logs)),
    );
    await p.consume(record());
    assert.deepEqual(
      attrsOf(out[0]!).map((kv) => kv.key),
      ['user.email', 'keep'],
    );
  });

  it('loads as a plugin from a config file and runs in a pipeline', async () => {
    const t = testComponents();
    const hub = await startHub({
      configFiles: [testdata('pipeline.yaml')],
      registry: new Registry([...builtinFactories, ...t.factories]),
    });
    try {
      await t.sources.get('test_source')!.byType.logs!.consume(record());
      const got = t.sinks.get('test_sink')!.received[0]!.data as Logs;
      assert.equal(getAttribute(attrsOf(got), 'token'), '[REDACTED]');
      assert.equal(getAttribute(attrsOf(got), 'keep'), 'me');
    } finally {
      await hub.shutdown();
    }
  });

  it('reports its own config errors with file, line and path', async () => {
    const t = testComponents();
    const r = await loadHubConfig({
      configFiles: [testdata('empty-keys.yaml')],
      registry: new Registry([...builtinFactories, ...t.factories]),
    });
    const lines = r.issues.map(formatIssue);
    assert.equal(r.config, undefined);
    assert.ok(
      lines.some((l) =>
        /empty-keys\.yaml:7:\d+: processors::redact::replacment: unknown key "replacment" \(did you mean "replacement"\?\)/.test(
          l,
        ),
      ),
      lines.join('\n'),
    );
  });
});

// A plugin's factory passes the same checks as the built-ins (its config needs `keys`).
runConformance([redactFactory], {
  overrides: { 'processor:redact': { keys: ['token'] } },
  requiresConfig: ['processor:redact'],
});
