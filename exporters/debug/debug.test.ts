import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { LogFields } from '../../core/logger.ts';
import { memoryLogger } from '../../core/logger.ts';
import type { Traces } from '../../core/pdata/index.ts';
import {
  attributes,
  logRecord,
  logs,
  message,
  metric,
  metrics,
  numberPoint,
  span,
  traces,
} from '../../core/pdata/index.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import type { DebugConfig } from './config.ts';
import { DEFAULT_SAMPLING_INITIAL, DEFAULT_SAMPLING_THEREAFTER } from './config.ts';
import type { DebugExporterOptions } from './debug.ts';
import { DebugExporter } from './debug.ts';
import { debugFactory } from './factory.ts';
import {
  SPAN_ID,
  TRACE_ID,
  fullLogs,
  fullMessages,
  fullMetrics,
  fullTraces,
} from '../../test/helpers/debug-exporter-fixtures.ts';

function config(over: Partial<DebugConfig> = {}): DebugConfig {
  return {
    verbosity: 'basic',
    // Tests that are not about sampling must see every line.
    sampling_initial: 1000,
    sampling_thereafter: 1,
    use_internal_logger: true,
    ...over,
  };
}

function setup(over: Partial<DebugConfig> = {}, opts: DebugExporterOptions = {}) {
  const settings = testSettings('debug', 'exporter');
  const exporter = new DebugExporter(settings, config(over), opts);
  const infos = (): LogFields[] => settings.logger.lines.filter((l) => l.level === 'info');
  return { settings, exporter, infos };
}

function fields(line: LogFields | undefined): LogFields {
  const { ts: _ts, level: _level, ...rest } = line ?? {};
  return rest;
}

describe('debug exporter, basic', () => {
  it('logs one count line per batch for each signal', async () => {
    const { exporter, infos } = setup();
    await exporter.traces.consume(traces([span(), span()]));
    await exporter.metrics.consume(fullMetrics());
    await exporter.logs.consume(logs([logRecord(), logRecord(), logRecord()]));
    await exporter.messages.consume(fullMessages());
    assert.deepEqual(infos().map(fields), [
      { msg: 'Traces', 'resource spans': 1, spans: 2 },
      { msg: 'Metrics', 'resource metrics': 1, metrics: 6, 'data points': 5 },
      { msg: 'Logs', 'resource logs': 1, 'log records': 3 },
      { msg: 'Messages', messages: 2 },
    ]);
  });
});

describe('debug exporter, normal', () => {
  it('adds one line per span', async () => {
    const { exporter, infos } = setup({ verbosity: 'normal' });
    await exporter.traces.consume(fullTraces());
    const attrs =
      'a.str=str-val a.bool=true a.int=42 a.bytes=cafe a.double=1.5 a.slice=["x",1] a.map={"k":"v","n":2} a.empty=';
    assert.deepEqual(
      infos().map((l) => l.msg),
      [
        'Traces',
        `op-gamma trace_id=${TRACE_ID} span_id=${SPAN_ID} kind=Server duration=1.000000468s status=Error: status-epsilon ${attrs}`,
      ],
    );
  });

  it('adds one line per data point, with its attributes', async () => {
    const { exporter, infos } = setup({ verbosity: 'normal' });
    const dataPoints = [numberPoint(21.5, 1n), numberPoint(3n, 1n, attributes({ room: 'b' }))];
    await exporter.metrics.consume(metrics([metric({ name: 'temp', gauge: { dataPoints } })]));
    assert.deepEqual(
      infos()
        .slice(1)
        .map((l) => l.msg),
      ['temp Gauge 21.5', 'temp{room=b} Gauge 3'],
    );
  });

  it('adds one line per log record and per message', async () => {
    const { exporter, infos } = setup({ verbosity: 'normal' });
    await exporter.logs.consume(fullLogs());
    await exporter.messages.consume(fullMessages());
    assert.deepEqual(
      infos().map((l) => l.msg),
      [
        'Logs',
        '2020-02-11T20:26:13.000000789Z WARNING-TXT(14) {"msg":"body-zeta"} log.attr=log-val',
        'Messages',
        'sensors/room-1 qos=1 retain=true size=10 payload="{\\"t\\":21.5}" up-key=up-val up-key=up-val-2',
        'raw/bin qos=0 retain=false size=3 payload=0xff00fe',
      ],
    );
  });

  it('keeps a record on one line even when it holds newlines', async () => {
    const { exporter, infos } = setup({ verbosity: 'normal' });
    await exporter.logs.consume(logs([logRecord({ severityNumber: 9, body: { stringValue: 'a\nb' } })]));
    assert.equal(infos()[1]?.msg, '1970-01-01T00:00:00.000000000Z Info(9) a\\nb');
  });
});

describe('debug exporter, detailed', () => {
  it('logs the whole batch as one entry after the count line', async () => {
    const { exporter, infos } = setup({ verbosity: 'detailed' });
    await exporter.traces.consume(fullTraces());
    await exporter.metrics.consume(fullMetrics());
    await exporter.logs.consume(fullLogs());
    await exporter.messages.consume(fullMessages());
    const msgs = infos().map((l) => l.msg as string);
    assert.equal(msgs.length, 8);
    assert.deepEqual([msgs[0], msgs[2], msgs[4], msgs[6]], ['Traces', 'Metrics', 'Logs', 'Messages']);
    assert.match(msgs[1] ?? '', /^ResourceSpans #0\n[^]*\n {4}Name {11}: op-gamma\n/);
    assert.match(msgs[3] ?? '', /^ResourceMetrics #0\n[^]*SummaryDataPoints #0\n/);
    assert.match(msgs[5] ?? '', /^ResourceLog #0\n[^]*Body: Map\(\{"msg":"body-zeta"\}\)\n/);
    assert.match(msgs[7] ?? '', /^Message #0\n[^]*\n {4}Payload {8}: Bytes\(ff00fe\)$/);
  });
});

describe('debug exporter, sampling', () => {
  function clocked(over: Partial<DebugConfig>) {
    let now = 5_000;
    const s = setup(over, { now: () => now });
    return { ...s, tick: (ms: number) => void (now += ms) };
  }
  const batch = (): Traces => traces([span()]);

  it('writes the first `initial` entries of each second, then every `thereafter`th', async () => {
    const { exporter, infos, tick } = clocked({ sampling_initial: 2, sampling_thereafter: 3 });
    for (let i = 0; i < 10; i++) await exporter.traces.consume(batch());
    // Entries 1, 2, then 5 and 8.
    assert.equal(infos().length, 4);
    tick(1000);
    await exporter.traces.consume(batch());
    await exporter.traces.consume(batch());
    assert.equal(infos().length, 6, 'a new second starts counting again');
  });

  it('counts each signal on its own', async () => {
    const { exporter, infos } = clocked({ sampling_initial: 1, sampling_thereafter: 0 });
    await exporter.traces.consume(batch());
    await exporter.traces.consume(batch());
    await exporter.logs.consume(logs([logRecord()]));
    assert.deepEqual(
      infos().map((l) => l.msg),
      ['Traces', 'Logs'],
    );
  });

  it('samples the per-record lines of normal too', async () => {
    const { exporter, infos } = clocked({ verbosity: 'normal', sampling_initial: 3, sampling_thereafter: 0 });
    await exporter.traces.consume(traces([span({ name: 'a' }), span({ name: 'b' }), span({ name: 'c' })]));
    assert.deepEqual(
      infos().map((l) => (l.msg as string).split(' ')[0]),
      ['Traces', 'a', 'b'],
    );
  });

  it('writes everything with the defaults', async () => {
    const { exporter, infos } = clocked({
      sampling_initial: DEFAULT_SAMPLING_INITIAL,
      sampling_thereafter: DEFAULT_SAMPLING_THEREAFTER,
    });
    for (let i = 0; i < 50; i++) await exporter.traces.consume(batch());
    assert.equal(infos().length, 50);
  });
});

describe('debug exporter, stdout', () => {
  function stream() {
    const chunks: string[] = [];
    return Object.assign(new EventEmitter(), { chunks, write: (c: string) => chunks.push(c) });
  }

  it('writes plain text to the given stream, not to the logger', async () => {
    const out = stream();
    const { exporter, settings } = setup({ use_internal_logger: false, verbosity: 'normal' }, { out });
    await exporter.metrics.consume(metrics([metric({ name: 'up', gauge: { dataPoints: [numberPoint(1n, 1n)] } })]));
    assert.deepEqual(out.chunks, [
      'Metrics\t{"resource metrics": 1, "metrics": 1, "data points": 1}\n',
      'up Gauge 1\n',
    ]);
    assert.equal(settings.logger.lines.length, 0);
  });

  it('writes the detailed text as one chunk ending in a newline', async () => {
    const out = stream();
    const { exporter } = setup({ use_internal_logger: false, verbosity: 'detailed' }, { out });
    await exporter.logs.consume(fullLogs());
    assert.equal(out.chunks.length, 2);
    assert.match(out.chunks[1] ?? '', /^ResourceLog #0\n[^]*\nFlags: 1\n$/);
  });

  it('survives a stream that throws or emits errors, and says so once', async () => {
    const out = Object.assign(stream(), {
      write: () => {
        throw new Error('EPIPE');
      },
    });
    const { exporter, settings } = setup({ use_internal_logger: false }, { out });
    await exporter.start();
    await exporter.traces.consume(traces([span()]));
    out.emit('error', new Error('EPIPE again'));
    await exporter.shutdown();
    assert.equal(out.listenerCount('error'), 0);
    const warns = settings.logger.lines.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1);
    assert.equal(warns[0]?.error, 'EPIPE');
  });
});

describe('debug exporter, robustness', () => {
  it('resolves even when the data is malformed', async () => {
    const { exporter, settings } = setup({ verbosity: 'detailed' });
    await exporter.traces.consume({ resourceSpans: [{}] } as unknown as Traces);
    assert.equal(settings.logger.lines.filter((l) => l.level === 'warn').length, 1);
  });

  it('formats nothing when the logger would drop info', async () => {
    const settings = { ...testSettings('debug', 'exporter'), logger: memoryLogger('warn') };
    const exporter = new DebugExporter(settings, config({ verbosity: 'detailed' }));
    await exporter.traces.consume({ resourceSpans: [{}] } as unknown as Traces);
    assert.equal(settings.logger.lines.length, 0);
  });
});

describe('debug factory', () => {
  it('declares the Collector debug exporter', async () => {
    assert.equal(debugFactory.type, 'debug');
    assert.equal(debugFactory.stability, 'development');
    assert.deepEqual(debugFactory.signals, { traces: 'traces', metrics: 'metrics', logs: 'logs' });
    const exporter = await debugFactory.createExporter(testSettings('debug', 'exporter'), config());
    for (const s of ['traces', 'metrics', 'logs', 'messages'] as const)
      assert.equal(typeof exporter[s]?.consume, 'function');
    await exporter.messages?.consume({ messages: [message({ topic: 't', payload: 'p' })] });
  });
});
