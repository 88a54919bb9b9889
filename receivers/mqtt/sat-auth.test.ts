// K8S-SAT against a real MQTT.js client and the scripted server (no real broker here does K8S-SAT). Token files sit in
// a Kubernetes-style projected volume: `token` -> `..data/token`, rotated by swapping the `..data` symlink.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { IClientOptions } from 'mqtt';
import type { IAuthPacket, IConnectPacket } from 'mqtt-packet';
import { memoryLogger } from '../../core/logger.ts';
import { startScriptServer } from '../../test/helpers/mqtt-script-server.ts';
import type { ReceivedPacket, ScriptServer, ScriptServerOptions } from '../../test/helpers/mqtt-script-server.ts';
import {
  SAT_METHOD,
  SatAuthError,
  attachSatAuth,
  readSatToken,
  satConnectProperties,
  tokenExpiry,
} from './sat-auth.ts';

const root = fs.mkdtempSync(join(tmpdir(), 'sat-auth-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** A JWT-shaped token (unsigned: nothing here verifies it) expiring `inMs` from now, told apart by `tag`. */
const jwt = (tag: string, inMs = 3_600_000) =>
  `${b64({ alg: 'RS256' })}.${b64({ sub: tag, exp: (Date.now() + inMs) / 1000 })}.c2ln`;

/** A projected-volume directory holding `token`; `rotate` swaps `..data` as the kubelet does. */
function volume(token: string) {
  const dir = fs.mkdtempSync(join(root, 'vol-'));
  let n = 0;
  const rotate = (t: string) => {
    fs.mkdirSync(join(dir, `..v${n}`), { recursive: true });
    fs.writeFileSync(join(dir, `..v${n}`, 'token'), t + '\n');
    fs.symlinkSync(`..v${n++}`, join(dir, '..tmp'));
    fs.renameSync(join(dir, '..tmp'), join(dir, '..data'));
  };
  rotate(token);
  fs.symlinkSync('..data/token', join(dir, 'token'));
  return { file: join(dir, 'token'), rotate };
}
/** A token file that links into another directory: a watch of its own directory sees no change, only a read does. */
function unwatchedFile(token: string) {
  const dir = fs.mkdtempSync(join(root, 'hidden-'));
  fs.mkdirSync(join(dir, 'seen'));
  fs.writeFileSync(join(dir, 'real-token'), token);
  fs.symlinkSync(join(dir, 'real-token'), join(dir, 'seen', 'token'));
  return { file: join(dir, 'seen', 'token'), rewrite: (t: string) => fs.writeFileSync(join(dir, 'real-token'), t) };
}
const eventually = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  assert.ok(cond(), `timed out waiting until ${what}`);
};
const received = <P>(server: ScriptServer, cmd: string) =>
  server.packets.filter((p) => p.packet.cmd === cmd).map((p) => p.packet as P);
const connects = (server: ScriptServer) => received<IConnectPacket>(server, 'connect');
const tokenOf = (p: { properties?: { authenticationData?: Buffer } } | undefined) =>
  p?.properties?.authenticationData?.toString();
const authWith = (token: string) => (p: ReceivedPacket) => p.packet.cmd === 'auth' && tokenOf(p.packet) === token;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Server, client (CONNECT properties from the file) and attachSatAuth, all torn down after the test. */
async function setup(
  file: string,
  o: {
    server?: ScriptServerOptions;
    client?: IClientOptions;
    auth?: Partial<Parameters<typeof attachSatAuth>[1]>;
    deferAttach?: boolean;
  } = {},
) {
  const server = await startScriptServer(o.server);
  cleanups.push(() => server.close());
  const properties = await satConnectProperties(file);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.port}`, {
    protocolVersion: 5,
    reconnectPeriod: 50,
    properties,
    ...o.client,
  });
  const errors: Error[] = [];
  client.on('error', (e) => errors.push(e));
  const logger = memoryLogger();
  const attach = () => attachSatAuth(client, { tokenFile: file, logger, pollIntervalMs: 3_600_000, ...o.auth });
  const sat = o.deferAttach ? undefined : attach();
  cleanups.push(
    () => client.endAsync(true),
    () => sat?.close(),
  );
  /** Fails if a token's payload reached a log line, as text or as the hex the logger gives Buffers. */
  const assertNoToken = (...tokens: string[]) => {
    const text = JSON.stringify(logger.lines);
    for (const t of tokens.map((t) => t.split('.')[1] ?? t))
      assert.ok(!text.includes(t) && !text.includes(Buffer.from(t).toString('hex')), 'a token is in the logs');
  };
  return { server, client, logger, errors, attach, assertNoToken };
}

/** Calls `fn`, collecting what the given functions return ('returns') or receive first ('arg') meanwhile. */
function record<T>(fn: () => T, spies: [object, string, 'returns' | 'arg'][]): [T, unknown[]] {
  const seen: unknown[] = [];
  const saved = spies.map(([o, k]) => (o as Record<string, (...a: unknown[]) => unknown>)[k]!);
  spies.forEach(([o, k, what], i) =>
    Object.assign(o, {
      [k]: (...a: unknown[]) => {
        const r = saved[i]!(...a);
        seen.push(what === 'arg' ? a[0] : r);
        return r;
      },
    }),
  );
  syncBuiltinESMExports(); // so that sat-auth.ts's `import { watch } from 'node:fs'` sees the spy
  try {
    return [fn(), seen];
  } finally {
    spies.forEach(([o, k], i) => Object.assign(o, { [k]: saved[i] }));
    syncBuiltinESMExports();
  }
}
describe('reading the token', () => {
  it('trims the file and names it, never the token, when missing or empty', async () => {
    const { file } = volume(' tok-1 \n');
    assert.deepEqual(await satConnectProperties(file), {
      authenticationMethod: 'K8S-SAT',
      authenticationData: Buffer.from('tok-1'),
    });
    const missing = join(root, 'nope', 'token');
    await assert.rejects(
      readSatToken(missing),
      (e: Error) => e.message.includes(missing) && e.message.includes('ENOENT'),
    );
    fs.writeFileSync(join(root, 'empty'), ' \n');
    await assert.rejects(readSatToken(join(root, 'empty')), /SAT token file .*empty is empty/);
  });

  it("decodes a JWT's exp without verifying it, and nothing else", () => {
    const exp = tokenExpiry(Buffer.from(jwt('a', 60_000)));
    assert.ok(exp && Math.abs(exp.getTime() - Date.now() - 60_000) < 1000);
    for (const t of [
      'opaque',
      'a.b.c',
      `${b64({})}.${b64({ sub: 'x' })}.s`,
      `${b64({})}.${b64(null)}.s`,
      `x.${b64({ exp: 'soon' })}.s`,
    ]) {
      assert.equal(tokenExpiry(Buffer.from(t)), undefined, t);
    }
  });
});

describe('K8S-SAT with MQTT.js', () => {
  it('connects with the file token, re-authenticates with AUTH 0x19 when it rotates, and stays connected, error-free', async () => {
    const t1 = jwt('one'),
      t2 = jwt('two'),
      vol = volume(t1);
    const { server, client, logger, errors, assertNoToken } = await setup(vol.file);
    assert.deepEqual(
      [connects(server)[0]?.properties?.authenticationMethod, tokenOf(connects(server)[0])],
      [SAT_METHOD, t1],
    );
    vol.rotate(t2);
    const auth = (await server.waitFor(authWith(t2))).packet as IAuthPacket;
    assert.deepEqual([auth.reasonCode, auth.properties?.authenticationMethod], [0x19, SAT_METHOD]);
    await eventually(
      () => logger.lines.some((l) => l.msg === 'K8S-SAT re-authentication accepted'),
      'the success is logged',
    );
    await sleep(100); // room for a wrongly emitted error or reconnect
    const state = [
      errors,
      client.connected,
      server.connections.length,
      received(server, 'auth').length,
      tokenOf(client.options),
    ];
    assert.deepEqual(state, [[], true, 1, 1, t2], 'connected, without errors, after one AUTH');
    assertNoToken(t1, t2);
  });

  it('re-reads the file before the token expires, even when no change was seen, and warns if it is unchanged', async () => {
    const t1 = jwt('short', 2_500),
      t2 = jwt('long'),
      t3 = jwt('stale', 1_200);
    const hidden = unwatchedFile(t1);
    const a = await setup(hidden.file, { auth: { reauthBeforeExpiryMs: 1_500 } });
    hidden.rewrite(t2); // after attach's own check, which read t1
    const auth = await a.server.waitFor(authWith(t2));
    assert.ok(auth.at < (tokenExpiry(Buffer.from(t1))?.getTime() ?? 0), 'before the old token expired');
    const b = await setup(unwatchedFile(t3).file, { auth: { reauthBeforeExpiryMs: 1_000 } });
    await eventually(
      () => b.logger.lines.some((l) => l.level === 'warn' && /expires soon/.test(String(l.msg))),
      'a warning',
    );
    assert.deepEqual(received(b.server, 'auth'), []);
    a.assertNoToken(t1, t2);
    b.assertNoToken(t3);
  });

  it('reconnects with the current file contents', async () => {
    const t1 = jwt('one'),
      t2 = jwt('two');
    const hidden = unwatchedFile(t1);
    const { server, client, assertNoToken } = await setup(hidden.file);
    hidden.rewrite(t2); // unseen while connected: only the reconnect's re-read can pick it up
    server.disconnect(0, 0x8b);
    await eventually(() => connects(server).length === 2 && client.connected, 'the reconnect');
    assert.equal(tokenOf(connects(server)[1]), t2);
    assertNoToken(t1, t2);
  });

  for (const [how, onAuth] of [
    ['AUTH 0x18 (continue)', () => ({ reasonCode: 0x18 })],
    ['DISCONNECT 0x87 (not authorized)', () => ({ disconnect: 0x87 })],
    ['AUTH with an invalid reason code', () => ({ reasonCode: 0x87 })],
    ['silence', () => 'ignore' as const],
  ] as const) {
    it(`reports a refused re-authentication (${how}) and reconnects with the file's token`, async () => {
      const t1 = jwt('one'),
        t2 = jwt('two'),
        vol = volume(t1);
      const { server, client, logger, errors, assertNoToken } = await setup(vol.file, {
        server: { onAuth },
        client: { connectTimeout: 400 },
      });
      vol.rotate(t2);
      await eventually(() => connects(server).length >= 2 && client.connected, 'the reconnect');
      assert.equal(tokenOf(connects(server)[1]), t2);
      assert.ok(
        logger.lines.some((l) => l.level === 'error' && /K8S-SAT re-authentication/.test(String(l.msg))),
        'an error is logged',
      );
      if (how.startsWith('AUTH 0x18')) assert.ok(errors.some((e) => e instanceof SatAuthError && e.code === 0x18));
      assertNoToken(t1, t2);
    });
  }

  it('close() clears every timer, closes the watcher and gives MQTT.js its handlers back', async () => {
    const vol = volume(jwt('one'));
    const { server, client, logger, attach } = await setup(vol.file, {
      auth: { pollIntervalMs: 20 },
      deferAttach: true,
    });
    const events = ['reconnect', 'connect', 'disconnect', 'close'] as const;
    const before = events.map((e) => client.listenerCount(e));
    const [sat, started] = record(
      () => attach(),
      [
        [globalThis, 'setTimeout', 'returns'],
        [globalThis, 'setInterval', 'returns'],
        [fs, 'watch', 'returns'],
      ],
    );
    const watchers = started.filter((s) => s instanceof EventEmitter);
    assert.deepEqual([started.length, watchers.length], [3, 1], 'the poll, the expiry timer and the watcher');
    let closed = false;
    watchers[0]?.on('close', () => (closed = true));
    const [, cleared] = record(
      () => sat.close(),
      [
        [globalThis, 'clearTimeout', 'arg'],
        [globalThis, 'clearInterval', 'arg'],
      ],
    );
    for (const t of started.filter((s) => !(s instanceof EventEmitter)))
      assert.ok(cleared.includes(t), 'a timer is left');
    await eventually(() => closed, 'the watcher closes');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    assert.equal(client.handleAuth, mqtt.MqttClient.prototype.handleAuth);
    assert.deepEqual(
      events.map((e) => client.listenerCount(e)),
      before,
    );
    vol.rotate(jwt('two'));
    await sleep(200);
    assert.deepEqual([received(server, 'auth'), logger.lines], [[], []]);
  });

  it('stays out of MQTT 3.1.1 and refuses an MQTT.js without its internal packet writer', () => {
    const logger = memoryLogger();
    attachSatAuth(mqtt.connect({ manualConnect: true, protocolVersion: 4 }), { tokenFile: 'unused', logger }).close();
    assert.match(String(logger.lines[0]?.msg), /needs MQTT v5/);
    const v5 = Object.assign(mqtt.connect({ manualConnect: true, protocolVersion: 5 }), { _sendPacket: undefined });
    assert.throws(() => attachSatAuth(v5, { tokenFile: 'unused', logger }), /_sendPacket is missing/);
  });
});
