import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Registry } from '../core/registry.ts';
import { testComponents } from '../test/helpers/components.ts';
import { resolveHubConfig } from './hub-config.ts';
import { hubResource } from './telemetry-config.ts';
import { formatIssue } from './issues.ts';
import { loadConfigText } from './load.ts';

const here = fileURLToPath(new URL('./testdata/hub.yaml', import.meta.url));

async function resolve(text: string) {
  const loaded = loadConfigText(text, here, {});
  assert.ok(loaded.config, JSON.stringify(loaded.issues));
  const r = await resolveHubConfig(loaded.config, new Registry(testComponents().factories));
  return { ...r, lines: r.issues.map(formatIssue) };
}

const pipeline = `
service:
  pipelines:
    metrics:
      receivers: [test_source]
      exporters: [test_sink]
`;

describe('hub config', () => {
  it('applies defaults to components and service', async () => {
    const r = await resolve(`receivers:\n  test_source:\nexporters:\n  test_sink:\n${pipeline}`);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.config?.receivers, { test_source: { tag: '' } });
    assert.equal(r.config?.service.shutdown_timeout, 25_000);
    assert.deepEqual(r.config?.service.telemetry, {
      logs: { level: 'info', encoding: 'json' },
      // With neither readers nor address, the Collector's default: one pull reader on localhost:8888.
      metrics: { level: 'normal', readers: [{ host: 'localhost', port: 8888, withoutTypeSuffix: false }] },
      resource: hubResource({}),
    });
    assert.equal(r.config?.service.telemetry.resource['service.name'], 'otelhub');
    assert.deepEqual(r.config?.service.pipelines.metrics, {
      receivers: ['test_source'],
      processors: [],
      exporters: ['test_sink'],
    });
  });

  it('reports unknown top-level keys, connectors, bad IDs and unknown types with suggestions and lines', async () => {
    const r = await resolve(
      `recievers:\n  x:\nconnectors:\n  forward:\n  count:\nreceivers:\n  test_source:\n  Bad-Type:\n  test_sourc/a:\nexporters:\n  test_sink:\n  test_sink/:\n${pipeline}`,
    );
    const want = [
      /hub\.yaml:1:1: recievers: unknown key "recievers" \(did you mean "receivers"\?\)/,
      /hub\.yaml:3:1: connectors: connectors are not supported/,
      // A connector on the list of Collector components otelhub lacks is named with what to use instead.
      /hub\.yaml:4:3: connectors::forward: connector type "forward" is a Collector component otelhub does not have: list the receivers/,
      /hub\.yaml:8:3: receivers::Bad-Type: invalid ID "Bad-Type"/,
      /hub\.yaml:9:3: receivers::test_sourc\/a: unknown receiver type "test_sourc" \(did you mean "test_source"\?\)/,
      /hub\.yaml:12:3: exporters::test_sink\/: invalid ID/,
    ];
    for (const re of want)
      assert.ok(
        r.lines.some((l) => re.test(l)),
        `${re} in\n${r.lines.join('\n')}`,
      );
    assert.equal(r.config, undefined);
  });

  it('requires service.pipelines and reports a missing service at the top', async () => {
    const r = await resolve(`receivers:\n  test_source:\n`);
    assert.ok(
      r.lines.some((l) => /service: is required/.test(l)),
      r.lines.join('\n'),
    );
  });

  it('reports plugins that cannot be loaded or export no factories', async () => {
    const r = await resolve(
      `plugins: [./plugins/missing.ts, ./plugins/not-a-plugin.ts]\nreceivers:\n  test_source:\nexporters:\n  test_sink:\n${pipeline}`,
    );
    assert.ok(
      r.lines.some((l) => /plugins::0: cannot load plugin "\.\/plugins\/missing\.ts"/.test(l)),
      r.lines.join('\n'),
    );
    assert.ok(
      r.lines.some((l) => /plugins::1: plugin "\.\/plugins\/not-a-plugin\.ts" exports no factories/.test(l)),
      r.lines.join('\n'),
    );
  });

  it('checks the pipeline graph after the components', async () => {
    const r = await resolve(
      `receivers:\n  test_message_source:\nexporters:\n  test_sink:\nservice:\n  pipelines:\n    metrics:\n      receivers: [test_message_source]\n      exporters: [test_sink]\n`,
    );
    assert.ok(
      r.lines.some((l) =>
        /hub\.yaml:9:\d+: service::pipelines::metrics::exporters::0: exporter "test_sink" accepts metrics but gets messages from the receivers: add a processor that converts messages into metrics \("test_converter"\)/.test(
          l,
        ),
      ),
      r.lines.join('\n'),
    );
  });
});

describe('sensitive values', () => {
  it('never appear in any message, whatever is wrong with them', async () => {
    const t = testComponents();
    const registry = new Registry([
      ...t.factories,
      {
        kind: 'extension',
        type: 'secretive',
        stability: 'development',
        configSchema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            token: { type: 'string', sensitive: true, pattern: '^Bearer ' },
            password: { type: 'string', sensitive: true, enum: ['a', 'b'] },
          },
        },
        createExtension: () => ({}),
      },
    ]);
    const text = `extensions:\n  secretive:\n    token: hunter2\n    password: swordfish\n    pasword: s3cr3t\nreceivers: { test_source: }\nexporters: { test_sink: }\n${pipeline}`;
    const loaded = loadConfigText(text, here, {});
    const r = await resolveHubConfig(loaded.config!, registry);
    const out = r.issues.map(formatIssue).join('\n');
    assert.match(out, /extensions::secretive::token/);
    assert.match(out, /extensions::secretive::pasword: unknown key "pasword" \(did you mean "password"\?\)/);
    for (const secret of ['hunter2', 'swordfish', 's3cr3t']) assert.doesNotMatch(out, new RegExp(secret));
  });

  it('keeps environment values out of messages that quote what they refuse: the reference is shown', async () => {
    const t = testComponents();
    const registry = new Registry([
      ...t.factories,
      {
        kind: 'extension',
        type: 'quoting',
        stability: 'development',
        configSchema: { type: 'object', properties: { url: { type: 'string' } } },
        validate: (c: { url?: string }) =>
          c.url?.startsWith('http') ? [] : [{ path: ['url'], message: `invalid URL "${c.url}"` }],
        createExtension: () => ({}),
      },
    ]);
    const text = `extensions:\n  quoting:\n    url: \${env:SECRET_URL}\nreceivers: { test_source: }\nexporters: { test_sink: }\n${pipeline}`;
    const loaded = loadConfigText(text, here, { SECRET_URL: 'EnvSecret-xyz' });
    const r = await resolveHubConfig(loaded.config!, registry);
    const out = r.issues.map(formatIssue).join('\n');
    assert.match(out, /extensions::quoting::url: invalid URL "\$\{env:SECRET_URL\}"/);
    assert.doesNotMatch(out, /EnvSecret/);
  });
});
