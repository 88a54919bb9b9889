import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelName, MetricNamer, unitSuffixes } from './names.ts';

describe('Prometheus names', () => {
  const namer = new MetricNamer('', 'UnderscoreEscapingWithSuffixes');

  it('adds unit and type suffixes as the compatibility specification does', () => {
    const cases: [string, string, Parameters<MetricNamer['name']>[2], string][] = [
      ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
      ['system.memory.usage', 'By', 'gauge', 'system_memory_usage_bytes'],
      ['http.requests', '{request}', 'counter', 'http_requests_total'],
      ['requests.total', '1', 'counter', 'requests_total'],
      ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
      ['network.io', 'By/s', 'gauge', 'network_io_bytes_per_second'],
      ['latency_seconds', 's', 'gauge', 'latency_seconds'],
      ['temperature', 'Cel', 'gauge', 'temperature_celsius'],
      ['files__open..now', '', 'gauge', 'files_open_now'],
      ['2xx.responses', '', 'counter', '_2xx_responses_total'],
      ['weird', 'foo/bar', 'gauge', 'weird_foo_per_bar'],
      ['...', '', 'gauge', ''],
    ];
    for (const [name, unit, kind, want] of cases) assert.equal(namer.name(name, unit, kind), want, `${name} ${unit}`);
  });

  it('puts the namespace first, and leaves suffixes out without them', () => {
    assert.equal(
      new MetricNamer('edge', 'UnderscoreEscapingWithSuffixes').name('a.b', 's', 'counter'),
      'edge_a_b_seconds_total',
    );
    assert.equal(new MetricNamer('', 'UnderscoreEscapingWithoutSuffixes').name('a.b', 's', 'counter'), 'a_b');
    assert.equal(new MetricNamer('', 'NoTranslation').name('a.b', 's', 'counter'), 'a.b');
    assert.equal(new MetricNamer('', 'NoUTF8EscapingWithSuffixes').name('a.b', 's', 'counter'), 'a.b_seconds_total');
  });

  it('splits units into main and per parts, without annotations', () => {
    assert.deepEqual(unitSuffixes('By/s'), { main: 'bytes', per: 'per_second' });
    assert.deepEqual(unitSuffixes('{packet}/s'), { main: '', per: 'per_second' });
    assert.deepEqual(unitSuffixes('1'), { main: '', per: '' });
  });

  it('sanitises label names, keeping reserved ones', () => {
    assert.equal(labelName('http.route'), 'http_route');
    assert.equal(labelName('a..b'), 'a_b');
    assert.equal(labelName('9lives'), 'key_9lives');
    assert.equal(labelName('__name__'), '__name__');
    assert.equal(labelName('...'), '');
    assert.equal(labelName('http.route', false), 'http.route');
  });
});
