import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DropReporter } from './drop-reporter.ts';
import { createLogger, memoryLogger } from './logger.ts';
import {
  SMALL_SERVER_LIMITS,
  SMALL_SERVER_MAX_CONNECTIONS,
  formatHostPort,
  listen,
  listenHttp,
  parseHostPort,
} from './net.ts';
import { msToUnixNano } from './pdata/index.ts';
import { Telemetry } from './telemetry.ts';

describe('DropReporter', () => {
  it('logs the first drop at once, then one summary with counts per reason, never a line per item', async () => {
    const logger = memoryLogger();
    const t = new Telemetry();
    const counter = t.counter({ name: 'test_dropped_total', help: 'x', labelNames: ['reason', 'processor'] });
    const d = new DropReporter(logger, {
      counter,
      labels: { processor: 'p' },
      intervalMs: 30,
      message: 'dropped invalid messages',
    });
    d.drop('invalid_json', 1, { topic: 'a/b' });
    for (let i = 0; i < 500; i++) d.drop(i % 2 ? 'invalid_json' : 'missing_field');
    assert.equal(logger.lines.length, 1);
    assert.deepEqual(
      { ...logger.lines[0], ts: undefined },
      { ts: undefined, level: 'warn', msg: 'dropped invalid messages', reason: 'invalid_json', count: 1, topic: 'a/b' },
    );
    await sleep(60);
    assert.equal(logger.lines.length, 2);
    assert.deepEqual(logger.lines[1]?.reasons, { invalid_json: 250, missing_field: 250 });
    assert.equal(await t.value('test_dropped_total', { reason: 'invalid_json' }), 251);
    d.close();
  });
});

describe('logger', () => {
  it('keeps its own fields and prints bytes as hex and bigints as text', () => {
    const logger = memoryLogger();
    logger.info('real', { msg: 'field', level: 'x', id: Buffer.from([0xab, 0xcd]), n: 12345678901234567890n });
    assert.equal(logger.lines[0]?.msg, 'real');
    assert.equal(logger.lines[0]?.level, 'info');
    assert.equal(logger.lines[0]?.id, 'abcd');
    assert.equal(logger.lines[0]?.n, '12345678901234567890');
  });

  it('never prints the password of a URL, in the message, a field, a nested field or an Error, in either encoding', () => {
    for (const encoding of ['json', 'console'] as const) {
      const out: string[] = [];
      const logger = createLogger({ encoding, sink: { write: (l: string) => out.push(l) } });
      const url = 'https://exporter:hunter2secret@dest.example:4318/v1/traces';
      logger.error(`export to ${url} failed`, {
        error: `connect ECONNREFUSED (${url})`,
        nested: { urls: [url, 'mqtt://device:pw123456@broker:1883'] },
        err: new Error(`POST ${url}: 500`),
      });
      const line = out.join('');
      assert.ok(!line.includes('hunter2secret') && !line.includes('pw123456'), line);
      assert.ok(line.includes('https://exporter:[REDACTED]@dest.example:4318/v1/traces'), 'the user and host stay');
    }
  });

  it("shows what `scrub` hides (the config's environment values) as it says, in every string", () => {
    const out: string[] = [];
    const logger = createLogger({
      sink: { write: (l: string) => out.push(l) },
      scrub: (s) => s.split('EnvSecret-42').join('${env:TOKEN}'),
    });
    logger.warn('refused EnvSecret-42', { error: new Error('invalid URL "EnvSecret-42"'), list: ['EnvSecret-42'] });
    assert.ok(!out.join('').includes('EnvSecret-42'));
    assert.equal(out.join('').split('${env:TOKEN}').length - 1, 3);
  });

  it('logs milliseconds as whole numbers, wherever the field is, and leaves other numbers alone', () => {
    const logger = memoryLogger();
    logger
      .child({ startMs: 0.4 })
      .warn('retrying', { retry_in_ms: 5037.591074630706, inner: { wait_ms: 1.5 }, r: 0.25 });
    assert.deepEqual(
      { ...logger.lines[0], ts: undefined },
      { ts: undefined, level: 'warn', msg: 'retrying', startMs: 0, retry_in_ms: 5038, inner: { wait_ms: 2 }, r: 0.25 },
    );
  });
});

describe('time and telemetry helpers', () => {
  it('converts epoch milliseconds to nanoseconds exactly', () => {
    assert.equal(msToUnixNano(1700000000123), 1700000000123000000n);
    assert.equal(msToUnixNano(1.5), 1500000n);
  });

  it('refuses one metric name defined two ways', () => {
    const t = new Telemetry();
    t.counter({ name: 'x_total', help: 'x', labelNames: ['a'] });
    assert.equal(
      t.counter({ name: 'x_total', help: 'x', labelNames: ['a'] }),
      t.counter({ name: 'x_total', help: 'x', labelNames: ['a'] }),
    );
    assert.throws(() => t.counter({ name: 'x_total', help: 'x', labelNames: ['b'] }), /already defined/);
    assert.throws(() => t.gauge({ name: 'x_total', help: 'x', labelNames: ['a'] }), /already defined/);
  });
});

describe('registry', () => {
  it('refuses a duplicate type and a type that is not lower_snake_case', async () => {
    const { Registry } = await import('./registry.ts');
    const f = {
      kind: 'extension',
      type: 'x_y',
      stability: 'alpha',
      configSchema: {},
      createExtension: () => ({}),
    } as const;
    const r = new Registry([f]);
    r.register(f); // the same factory twice (a plugin imported twice) is not a conflict
    assert.throws(() => r.register({ ...f }), /extension type "x_y" is already registered/);
    assert.throws(() => r.register({ ...f, type: 'BadType' }), /not lower_snake_case/);
    assert.deepEqual(r.types('extension'), ['x_y']);
  });

  it('finds a factory by a deprecated name, says what it was renamed to, and offers only the new name', async () => {
    const { Registry } = await import('./registry.ts');
    const f = {
      kind: 'extension',
      type: 'new_name',
      deprecatedTypes: ['oldname'],
      stability: 'alpha',
      configSchema: {},
      createExtension: () => ({}),
    } as const;
    const r = new Registry([f]);
    assert.equal(r.get('extension', 'oldname'), f);
    assert.equal(r.get('extension', 'new_name'), f);
    assert.equal(r.renamedTo('extension', 'oldname'), 'new_name');
    assert.equal(r.renamedTo('extension', 'new_name'), undefined);
    assert.deepEqual(r.types('extension'), ['new_name']);
    assert.throws(
      () => r.register({ ...f, type: 'oldname', deprecatedTypes: [] }),
      /type "oldname" is already registered/,
    );
  });
});

describe('net', () => {
  it('writes host:port as parseHostPort reads it, IPv6 in brackets', () => {
    for (const [host, port] of [
      ['127.0.0.1', 4317],
      ['::1', 0],
      ['localhost', 65535],
    ] as const) {
      assert.equal(formatHostPort(host, port), host === '::1' ? `[::1]:${port}` : `${host}:${port}`);
      assert.deepEqual(parseHostPort(formatHostPort(host, port)), { host, port });
    }
  });

  it('listenHttp closes a client that never finishes its request, and caps connections', async () => {
    const l = await listenHttp('127.0.0.1:0', (_req, res) => void res.end('ok'));
    try {
      assert.equal(l.server.headersTimeout, SMALL_SERVER_LIMITS.headersTimeout);
      assert.equal(l.server.requestTimeout, SMALL_SERVER_LIMITS.requestTimeout);
      assert.equal(l.server.maxConnections, SMALL_SERVER_MAX_CONNECTIONS);
    } finally {
      await l.close();
    }
  });

  it('listen resolves with the bound port, and rejects when the port is taken', async () => {
    const first = createServer();
    const { port } = await listen(first, { host: '127.0.0.1', port: 0 });
    assert.ok(port > 0);
    const second = createServer();
    try {
      await assert.rejects(
        listen(second, { host: '127.0.0.1', port }),
        (err: Error) =>
          err.message === `address 127.0.0.1:${port} is already in use` &&
          (err.cause as NodeJS.ErrnoException).code === 'EADDRINUSE',
      );
      assert.equal(second.listenerCount('error'), 0);
    } finally {
      await new Promise((r) => first.close(r));
    }
  });
});
