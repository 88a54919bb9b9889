import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, isClientAuthenticator, isServerAuthenticator } from '../../core/auth.ts';
import { validateConfig } from '../../config/schema.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import type { TestSettings } from '../../test/helpers/settings.ts';
import { BearerTokenAuth } from './bearer-token-auth.ts';
import type { BearerTokenAuthConfig } from './config.ts';
import { bearerTokenAuthFactory } from './factory.ts';
import type { TokenFileOptions } from './token-file.ts';

const REFUSED = { name: 'AuthError', message: 'missing or invalid bearer token' };

function config(raw: Record<string, unknown>): BearerTokenAuthConfig {
  const { value, issues } = validateConfig(bearerTokenAuthFactory.configSchema, raw);
  assert.deepEqual(issues, []);
  assert.deepEqual(bearerTokenAuthFactory.validate?.(value as BearerTokenAuthConfig), []);
  return value as BearerTokenAuthConfig;
}

async function eventually(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** Every log line as text, to prove a token never appears in any of them. */
const logText = (s: TestSettings) => JSON.stringify(s.logger.lines);

describe('bearertokenauth with a configured token', () => {
  const settings = testSettings('bearertokenauth', 'extension');
  const auth = new BearerTokenAuth(settings, config({ token: 'tok-123' }));

  it('is both a server and a client authenticator', () => {
    assert.ok(isServerAuthenticator(auth));
    assert.ok(isClientAuthenticator(auth));
  });

  it('accepts the right token and refuses a wrong, missing or differently-schemed one', async () => {
    await auth.authenticate({ authorization: 'Bearer tok-123' });
    await auth.authenticate({ authorization: 'bearer tok-123' });
    await auth.authenticate({ authorization: ['Bearer tok-123', 'Bearer other'] });
    for (const authorization of [
      'Bearer tok-124',
      'Bearer tok-1234',
      'Bearer ',
      'tok-123',
      'Basic tok-123',
      'Bearer  tok-123',
      '',
    ]) {
      await assert.rejects(auth.authenticate({ authorization }), REFUSED, authorization);
    }
    await assert.rejects(auth.authenticate({}), REFUSED);
    await assert.rejects(auth.authenticate({ 'x-other': 'Bearer tok-123' }), REFUSED);
    const err = await auth.authenticate({ authorization: 'Bearer wrong' }).catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    assert.doesNotMatch(`${err.message} ${err.stack ?? ''}`, /tok-123|wrong/);
  });

  it("says whether the token was missing or wrong, for the receivers' count", async () => {
    const reason = (headers: Record<string, string>) =>
      auth.authenticate(headers).then(
        () => 'accepted',
        (e: unknown) => (e as AuthError).reason,
      );
    assert.equal(await reason({}), 'missing');
    assert.equal(await reason({ authorization: '' }), 'missing');
    assert.equal(await reason({ authorization: 'Bearer wrong' }), 'invalid');
    assert.equal(await reason({ authorization: 'tok-123' }), 'invalid');
  });

  it('adds the header to outgoing requests', async () => {
    assert.deepEqual(await auth.headers(), { authorization: 'Bearer tok-123' });
  });

  it('uses a custom header (in lower case) and an empty scheme', async () => {
    const custom = new BearerTokenAuth(settings, config({ token: 'k', scheme: '', header: 'X-Api-Key' }));
    assert.deepEqual(await custom.headers(), { 'x-api-key': 'k' });
    await custom.authenticate({ 'x-api-key': 'k' });
    await assert.rejects(custom.authenticate({ 'x-api-key': 'Bearer k' }), REFUSED);
    await assert.rejects(custom.authenticate({ authorization: 'k' }), REFUSED);
  });

  it('needs exactly one of token and filename, and never prints the token', () => {
    const issues = (raw: Record<string, unknown>) => {
      const v = validateConfig(bearerTokenAuthFactory.configSchema, raw);
      return v.issues.length ? v.issues : (bearerTokenAuthFactory.validate?.(v.value as BearerTokenAuthConfig) ?? []);
    };
    assert.deepEqual(
      issues({}).map((i) => i.message),
      ['set token or filename'],
    );
    assert.deepEqual(
      issues({ token: 'a', filename: 'f' }).map((i) => i.path),
      [['filename']],
    );
    const bad = issues({ token: 'line\r\nX-Injected: yes' });
    assert.deepEqual(
      bad.map((i) => i.path),
      [['token']],
    );
    assert.doesNotMatch(JSON.stringify(bad), /Injected/);
    assert.ok(issues({ header: 'has space', token: 'a' }).length > 0);
  });

  it('shuts down twice without complaint', async () => {
    await auth.shutdown();
    await auth.shutdown();
    assert.doesNotMatch(logText(settings), /tok-123/);
  });
});

describe('bearertokenauth with a token file', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'otelhub-bearer-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function started(file: string, opts: TokenFileOptions = {}) {
    const settings = testSettings('bearertokenauth', 'extension');
    const auth = new BearerTokenAuth(settings, config({ filename: file }), opts);
    await auth.start();
    return { auth, settings };
  }

  const accepts = (auth: BearerTokenAuth, token: string) =>
    auth.authenticate({ authorization: `Bearer ${token}` }).then(
      () => true,
      () => false,
    );

  it('reads the token trimmed, and follows a rewrite of the file', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const { auth, settings } = await started(file);
    try {
      assert.deepEqual(await auth.headers(), { authorization: 'Bearer first-token' });
      assert.ok(await accepts(auth, 'first-token'));
      writeFileSync(file, 'second-token\n');
      await eventually(
        async () => (await auth.headers()).authorization === 'Bearer second-token',
        'the new token is used',
      );
      assert.ok(await accepts(auth, 'second-token'));
      assert.ok(!(await accepts(auth, 'first-token')), 'the old token is refused');
      assert.ok(settings.logger.lines.some((l) => l.msg === 'bearer token reloaded' && l.filename === file));
      assert.doesNotMatch(logText(settings), /first-token|second-token/);
    } finally {
      await auth.shutdown();
      await auth.shutdown();
    }
  });

  it('follows a Kubernetes-style rotation (the ..data symlink swapped) and keeps the token while the file is broken', async () => {
    const vol = join(dir, 'projected');
    mkdirSync(join(vol, '..2024_01'), { recursive: true });
    writeFileSync(join(vol, '..2024_01', 'token'), 'sat-one');
    symlinkSync('..2024_01', join(vol, '..data'));
    symlinkSync(join('..data', 'token'), join(vol, 'token'));
    const { auth, settings } = await started(join(vol, 'token'));
    try {
      assert.ok(await accepts(auth, 'sat-one'));
      mkdirSync(join(vol, '..2024_02'));
      writeFileSync(join(vol, '..2024_02', 'token'), 'sat-two\n');
      symlinkSync('..2024_02', join(vol, '..data_tmp'));
      renameSync(join(vol, '..data_tmp'), join(vol, '..data'));
      rmSync(join(vol, '..2024_01'), { recursive: true });
      await eventually(() => accepts(auth, 'sat-two'), 'the rotated token is accepted');
      assert.ok(!(await accepts(auth, 'sat-one')));

      mkdirSync(join(vol, '..2024_03'));
      writeFileSync(join(vol, '..2024_03', 'token'), '   \n');
      symlinkSync('..2024_03', join(vol, '..data_tmp'));
      renameSync(join(vol, '..data_tmp'), join(vol, '..data'));
      await eventually(() => settings.logger.lines.some((l) => l.level === 'warn'), 'the broken file is reported');
      assert.ok(await accepts(auth, 'sat-two'), 'the previous token stays in use');
      assert.doesNotMatch(logText(settings), /sat-one|sat-two/);
    } finally {
      await auth.shutdown();
    }
  });

  it('falls back to polling when fs.watch reports nothing', async () => {
    const file = join(dir, 'polled');
    writeFileSync(file, 'poll-one');
    const { auth, settings } = await started(file, { watch: false, pollIntervalMs: 20 });
    try {
      writeFileSync(file, 'poll-two-longer');
      await eventually(() => accepts(auth, 'poll-two-longer'), 'the poll sees the change');
      assert.doesNotMatch(logText(settings), /poll-one|poll-two/);
    } finally {
      await auth.shutdown();
    }
  });

  it('fails start naming a missing or empty file, never quoting it', async () => {
    const missing = join(dir, 'missing');
    const settings = testSettings('bearertokenauth', 'extension');
    await assert.rejects(new BearerTokenAuth(settings, config({ filename: missing })).start(), {
      message: `cannot read token file ${missing}: ENOENT`,
    });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    await assert.rejects(new BearerTokenAuth(settings, config({ filename: empty })).start(), {
      message: `token file ${empty} is empty`,
    });
    const binary = join(dir, 'binary');
    writeFileSync(binary, 'secret\u0000stuff');
    await assert.rejects(
      new BearerTokenAuth(settings, config({ filename: binary })).start(),
      (e: Error) => !/secret/.test(e.message),
    );
  });

  it('refuses to authenticate before start rather than accepting anything', async () => {
    const file = join(dir, 'unstarted');
    writeFileSync(file, 'x');
    const auth = new BearerTokenAuth(testSettings('bearertokenauth', 'extension'), config({ filename: file }));
    await assert.rejects(auth.authenticate({ authorization: 'Bearer x' }), /not started/);
    await assert.rejects(auth.headers(), /not started/);
    await auth.shutdown();
  });
});
