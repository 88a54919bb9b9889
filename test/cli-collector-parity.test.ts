// What a Collector user expects of `validate` and `components`: exit status 0 or 1, one line per problem, and the
// Collector components otelhub does not have listed and refused with what to use instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISSING_COMPONENTS } from '../config/missing-components.ts';
import { runCli } from './helpers/process.ts';

const td = (f: string) => `test/testdata/${f}`;

describe('otelhub validate and components, as a Collector user expects them', () => {
  it('validates a config with the Collector’s service::telemetry keys: exit 0, one line on stdout', async () => {
    const r = await runCli(['validate', '--config', td('collector-telemetry.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'configuration is valid (1 pipeline)\n');
    assert.equal(r.stderr, '');
  });

  it('refuses each Collector component otelhub lacks with what to use instead: exit 1, one line per problem', async () => {
    const r = await runCli(['validate', '--config', td('collector-missing.yaml')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const [header, ...lines] = r.stderr.trimEnd().split('\n');
    assert.equal(header, 'invalid configuration (4 errors):');
    // Nothing else: the pipelines naming them add no second line per component.
    assert.equal(lines.length, 4, r.stderr);
    for (const l of lines) assert.match(l, /^ {2}test\/testdata\/collector-missing\.yaml:\d+:\d+: [a-z_:]+: \S/);
    const advice = [
      /collector-missing\.yaml:3:3: receivers::kafka: receiver type "kafka" is a Collector component otelhub does not have: MQTT is otelhub's broker transport/,
      /collector-missing\.yaml:6:3: processors::tail_sampling: processor type "tail_sampling" is a Collector component otelhub does not have: sample in the SDKs/,
      /collector-missing\.yaml:9:3: exporters::prometheus: exporter type "prometheus" is a Collector component otelhub does not have: push with prometheus_remote_write/,
      /collector-missing\.yaml:13:3: connectors::spanmetrics: connector type "spanmetrics" is a Collector component otelhub does not have: compute span metrics/,
    ];
    for (const re of advice) assert.match(r.stderr, re);
  });

  it('reports a config file that does not exist as one problem on one line, exit 1', async () => {
    const r = await runCli(['validate', '--config', td('no-such-file.yaml')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[1] ?? '', /no-such-file\.yaml/);
  });

  it('lists the Collector components otelhub lacks, after those it has, each with what to use instead', async () => {
    const table = await runCli(['components']);
    assert.equal(table.code, 0, table.stderr);
    for (const m of MISSING_COMPONENTS) {
      const row = new RegExp(`^${m.kind} +${m.type} +unavailable +- +not in otelhub: `, 'm');
      assert.match(table.stdout, row);
    }
    assert.match(
      table.stdout,
      /^exporter +prometheus +unavailable +- +not in otelhub: push with prometheus_remote_write/m,
    );
    assert.match(table.stdout, /^processor +batch +beta /m);
    const json = JSON.parse((await runCli(['components', '--json'])).stdout) as {
      kind: string;
      type: string;
      available: boolean;
      instead?: string;
    }[];
    assert.ok(json.some((c) => c.kind === 'processor' && c.type === 'batch' && c.available));
    const lb = json.find((c) => c.type === 'loadbalancing');
    assert.equal(lb?.available, false);
    assert.match(lb?.instead ?? '', /otlp_grpc/);
    // No type is both available and on the list.
    const have = new Set(json.filter((c) => c.available).map((c) => `${c.kind}/${c.type}`));
    for (const m of MISSING_COMPONENTS) assert.ok(!have.has(`${m.kind}/${m.type}`), `${m.kind} ${m.type}`);
  });
});
