// validate reads what start will read: certificates, keys, token and password files named in the config, found by
// the schema's `file` keyword, checked at config time and reported at their keys. Certificates are generated here.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { builtinRegistry } from '../components.ts';
import { makeTestCerts } from '../test/helpers/certs.ts';
import { checkFiles, fileRefs } from './file-check.ts';
import { resolveHubConfig } from './hub-config.ts';
import { formatIssue } from './issues.ts';
import { loadConfigText } from './load.ts';

describe('config files checked at config time', () => {
  const certs = makeTestCerts();
  const dir = mkdtempSync(join(tmpdir(), 'otelhub-file-check-'));
  after(() => {
    certs.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('finds file keys wherever the schema puts them, combinators and lists included', () => {
    const schema = {
      type: 'object',
      properties: {
        tls: { anyOf: [{ type: 'object', properties: { ca_file: { type: 'string', file: 'certificate' } } }] },
        list: { type: 'array', items: { type: 'string', file: 'text' } },
      },
    };
    assert.deepEqual(fileRefs({ tls: { ca_file: 'a' }, list: ['b', 'c'], other: 'd' }, schema, ['x']), [
      { path: ['x', 'tls', 'ca_file'], file: 'a', kind: 'certificate' },
      { path: ['x', 'list', 0], file: 'b', kind: 'text' },
      { path: ['x', 'list', 1], file: 'c', kind: 'text' },
    ]);
  });

  it('accepts real certificates, keys and token files; names what is wrong with the others', async () => {
    const token = write('token', 'abc\n');
    const empty = write('empty', '\n');
    const unreadable = write('unreadable', 'x');
    chmodSync(unreadable, 0o000);
    const issues = await checkFiles([
      { path: ['ok', 'cert'], file: certs.serverCertFile, kind: 'certificate' },
      { path: ['ok', 'key'], file: certs.serverKeyFile, kind: 'private_key' },
      { path: ['ok', 'token'], file: token, kind: 'text' },
      { path: ['missing'], file: join(dir, 'nope'), kind: 'text' },
      { path: ['empty'], file: empty, kind: 'text' },
      { path: ['key as cert'], file: certs.serverKeyFile, kind: 'certificate' },
      { path: ['cert as key'], file: certs.serverCertFile, kind: 'private_key' },
      {
        path: ['broken'],
        file: write('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
        kind: 'certificate',
      },
      ...(process.getuid?.() === 0 ? [] : [{ path: ['unreadable'], file: unreadable, kind: 'text' as const }]),
    ]);
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      'broken',
      'cert as key',
      'empty',
      'key as cert',
      'missing',
      ...(process.getuid?.() === 0 ? [] : ['unreadable']),
    ]);
    assert.match(byPath.missing ?? '', /cannot read .*nope: ENOENT/);
    assert.match(byPath.empty ?? '', /is empty/);
    assert.match(byPath['key as cert'] ?? '', /holds no PEM certificate/);
    assert.match(byPath['cert as key'] ?? '', /holds no private key that parses/);
    assert.match(byPath.broken ?? '', /holds a certificate that does not parse/);
  });

  it('makes validate refuse what start would: TLS files, token files, MQTT password files, all at once', async () => {
    const text = [
      'extensions:',
      `  bearertokenauth: { filename: ${join(dir, 'no-token')} }`,
      'receivers:',
      '  otlp:',
      '    protocols:',
      `      grpc: { endpoint: "localhost:0", tls: { cert_file: ${certs.serverCertFile}, key_file: ${join(dir, 'no.key')} } }`,
      `  mqtt: { endpoint: "mqtt://broker:1883", topics: [t], auth: { username: u, password_file: ${join(dir, 'no-pw')} } }`,
      'exporters:',
      `  otlp_grpc: { endpoint: "collector:4317", tls: { ca_file: ${certs.caFile} } }`,
      'processors:',
      '  schema: {}',
      'service:',
      '  extensions: [bearertokenauth]',
      '  pipelines:',
      '    logs: { receivers: [otlp], processors: [], exporters: [otlp_grpc] }',
      '    metrics: { receivers: [mqtt], processors: [schema], exporters: [otlp_grpc] }',
    ].join('\n');
    const loaded = loadConfigText(text, join(dir, 'hub.yaml'), {});
    const r = await resolveHubConfig(loaded.config!, builtinRegistry(), { checkFiles: true });
    const out = r.issues.map(formatIssue);
    assert.equal(out.length, 3, out.join('\n'));
    assert.match(out.join('\n'), /receivers::otlp::protocols::grpc::tls::key_file: cannot read .*no\.key: ENOENT/);
    assert.match(out.join('\n'), /receivers::mqtt::auth::password_file: cannot read .*no-pw: ENOENT/);
    assert.match(out.join('\n'), /extensions::bearertokenauth::filename: cannot read .*no-token: ENOENT/);
  });
});
