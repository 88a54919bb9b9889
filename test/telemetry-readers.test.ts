// service.telemetry as the Collector writes it: pull readers with a Prometheus exporter, served on their own ports
// (real HTTP GETs), level deciding what is recorded, the resource as target_info and constant labels, the
// deprecated address, and the readers otelhub refuses with what it supports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadHubConfig } from '../cli/hub.ts';
import { formatIssue } from '../config/issues.ts';
import { freePort, startTestHub } from './helpers/hub.ts';

const PIPELINE = `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
processors:
  batch:
exporters:
  debug:
service:
  pipelines:
    metrics: { receivers: [otlp], processors: [batch], exporters: [debug] }
`;

const pull = (port: number, extra = ''): string =>
  `        - pull: { exporter: { prometheus: { host: 127.0.0.1, port: ${port}${extra} } } }`;

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

describe('service.telemetry', () => {
  it('serves every pull reader on its port, with the resource as target_info and, where asked, as labels of every sample and without _total', async () => {
    const h = await startTestHub(`${PIPELINE}
  telemetry:
    resource: { deployment.environment: edge, service.instance.id: null }
    metrics:
      readers:
${pull(0)}
${pull(0, ', without_type_suffix: true, with_resource_constant_labels: { included: [deployment.environment] }')}
`);
    try {
      const [plain, shaped] = h.hub.metricsListeners.map((l) => l.address.port);
      assert.ok(plain !== undefined && shaped !== undefined, 'two readers bound');
      const a = await get(plain);
      assert.match(a, /^otelcol_process_uptime_seconds_total /m);
      assert.match(a, /^# TYPE otelcol_processor_batch_timeout_trigger_send_total counter$/m);
      const target = /^target_info\{(.*)\} 1$/m.exec(a)?.[1] ?? '';
      assert.match(target, /service_name="otelhub"/);
      assert.match(target, /service_version="\d+\.\d+\.\d+[^"]*"/);
      assert.match(target, /deployment_environment="edge"/);
      assert.doesNotMatch(target, /service_instance_id/, 'null removes an attribute');
      assert.match(a, /^otelcol_process_memory_rss_bytes \d+$/m, 'no constant labels unless asked');

      const b = await get(shaped);
      assert.match(b, /^# TYPE otelcol_processor_batch_timeout_trigger_send counter$/m);
      assert.doesNotMatch(b, /^[a-z_]+_total[{ ]/m, 'no counter keeps _total');
      assert.match(b, /^otelcol_process_uptime_seconds\{deployment_environment="edge"\} /m);
      assert.match(b, /^otelcol_process_memory_rss_bytes\{deployment_environment="edge"\} \d+$/m);
      assert.doesNotMatch(b, /^otelcol_process_memory_rss_bytes\{[^}]*service_name/m, 'only the included attributes');
    } finally {
      await h.shutdown();
    }
  });

  it('records nothing and serves nothing at level none, whatever the readers say', async () => {
    const port = await freePort();
    const h = await startTestHub(`${PIPELINE}
  telemetry:
    metrics:
      level: none
      readers:
${pull(port)}
`);
    try {
      assert.equal(h.hub.metricsListeners.length, 0);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'nothing listens on the reader port');
      assert.equal(h.hub.service.telemetry.registry.getMetricsAsArray().length, 0);
    } finally {
      await h.shutdown();
    }
  });

  for (const [level, histogram] of [
    ['basic', false],
    ['normal', true],
    ['detailed', true],
  ] as const) {
    it(`level ${level} ${histogram ? 'records' : 'leaves out'} the batch send-size histogram (a normal-level metric) and records the basic ones`, async () => {
      const h = await startTestHub(`${PIPELINE}
  telemetry:
    metrics:
      level: ${level}
      readers:
${pull(0)}
`);
      try {
        const text = await get(h.hub.metricsListeners[0]?.address.port ?? -1);
        assert.match(text, /^# TYPE otelcol_processor_batch_timeout_trigger_send_total counter$/m);
        assert.match(text, /^otelcol_process_uptime_seconds_total /m);
        assert.equal(/^# TYPE otelcol_processor_batch_batch_send_size histogram$/m.test(text), histogram);
      } finally {
        await h.shutdown();
      }
    });
  }

  it('keeps the deprecated address working as one pull reader, with one warning', async () => {
    const h = await startTestHub(`${PIPELINE}
  telemetry:
    metrics: { address: '127.0.0.1:0' }
`);
    try {
      const port = h.hub.metricsListeners[0]?.address.port ?? -1;
      assert.match(await get(port), /^target_info\{/m);
      const warnings = h.lines.filter((l) => l.level === 'warn' && /address is deprecated/.test(String(l.msg)));
      assert.equal(warnings.length, 1);
    } finally {
      await h.shutdown();
    }
  });

  const refused: [string, string, RegExp][] = [
    [
      'a periodic reader',
      '      readers: [{ periodic: { exporter: { otlp: { endpoint: http://x:4318 } } } }]',
      /^test\.yaml:\d+:\d+: service::telemetry::metrics::readers::0: reader "periodic" is not supported: otelhub supports pull readers with the prometheus exporter only/,
    ],
    [
      'a pull reader with another exporter',
      '      readers: [{ pull: { exporter: { otlp: {} } } }]',
      /service::telemetry::metrics::readers::0::pull: exporter "otlp" is not supported: otelhub supports pull readers/,
    ],
    [
      'a prometheus exporter without a port',
      '      readers: [{ pull: { exporter: { prometheus: { host: 0.0.0.0 } } } }]',
      /service::telemetry::metrics::readers::0::pull::exporter::prometheus::port: is required/,
    ],
    [
      'an option the Collector does not have',
      '      readers: [{ pull: { exporter: { prometheus: { port: 9, colour: red } } } }]',
      /service::telemetry::metrics::readers::0::pull::exporter::prometheus::colour: unknown key "colour"/,
    ],
    [
      'address and readers together',
      "      address: ':8888'\n      readers: []",
      /service::telemetry::metrics::address: set readers or the deprecated address, not both/,
    ],
    ['a resource value not a string', '    resource: { a: [1] }', /service::telemetry::resource::a: /],
  ];
  for (const [what, yaml, message] of refused) {
    it(`refuses ${what}, naming what is supported`, async () => {
      const metrics = yaml.startsWith('    resource') ? yaml : `    metrics:\n${yaml}`;
      const r = await loadHubConfig({
        configText: { text: `${PIPELINE}\n  telemetry:\n${metrics}\n`, name: 'test.yaml' },
        env: {},
      });
      assert.equal(r.config, undefined);
      assert.equal(r.issues.length, 1, r.issues.map(formatIssue).join('\n'));
      assert.match(formatIssue(r.issues[0] ?? { path: [], message: '' }), message);
    });
  }
});
