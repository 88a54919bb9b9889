// The identity auth types at the protocol level: Entra ID and the managed identity endpoint cannot be reached from
// here, so a local stand-in (test/helpers/entra-token-server.ts) speaks their token exchanges and checks the
// credentials, and Azurite in OAuth mode over HTTPS takes only the bearer tokens it issued. The exporter runs the
// Azure SDK's own credentials (@azure/identity), pointed at the stand-in by the SDK's environment variables.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { BlobServiceClient } from '@azure/storage-blob';
import { decodeRequestJson } from '../../otlp/index.ts';
import { startAzurite } from '../../test/helpers/azurite.ts';
import type { Azurite } from '../../test/helpers/azurite.ts';
import { makeTestCerts } from '../../test/helpers/certs.ts';
import type { TestCerts } from '../../test/helpers/certs.ts';
import { startEntraTokenServer } from '../../test/helpers/entra-token-server.ts';
import type { EntraTokenServer, Expected } from '../../test/helpers/entra-token-server.ts';
import { NO_RETRY, startExporter } from '../../test/helpers/exporter-harness.ts';
import { sampleLogs } from '../../test/helpers/sample-data.ts';
import { azureBlobFactory } from './factory.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const SECRET = 'sp-secret-value';
const FEDERATED = 'eyJhbGciOiJSUzI1NiJ9.federated-service-account-token.sig';

let certs: TestCerts;
let azurite: Azurite;
let entra: EntraTokenServer;
let dir: string;
let n = 0;

before(async () => {
  certs = makeTestCerts();
  // The stand-ins' certificates come from the test CA: trust it as a system CA would be.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(certs.caFile, 'utf8')]);
  azurite = await startAzurite({ tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile }, oauth: true });
  entra = await startEntraTokenServer(
    { cert: certs.read(certs.serverCertFile), key: certs.read(certs.serverKeyFile) },
    expected,
  );
  process.env.AZURE_AUTHORITY_HOST = entra.url;
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = entra.url;
  dir = mkdtempSync(join(tmpdir(), 'otelhub-wi-'));
  writeFileSync(join(dir, 'token'), FEDERATED);
});
after(async () => {
  await entra.close();
  await azurite.stop();
  certs.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** What the stand-in accepts, changed per test: one server for all, as MSAL keeps the managed identity endpoint. */
const expected: Expected = { tenantId: TENANT, clientId: CLIENT };

function withEntra(e: Expected): void {
  for (const k of Object.keys(expected) as (keyof Expected)[]) delete expected[k];
  Object.assign(expected, e);
  entra.requests.length = 0;
}

/** Sends the sample logs with `auth` into a fresh container and reads back what landed there. */
async function roundTrip(auth: Record<string, unknown>): Promise<unknown[]> {
  const container = `identity-${n++}`;
  const admin = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
  await admin.create();
  const { exporter } = await startExporter(azureBlobFactory, {
    url: azurite.blobEndpoint,
    auth,
    container: { logs: container },
    ...NO_RETRY,
  });
  try {
    await exporter.logs.consume(sampleLogs());
  } finally {
    await exporter.shutdown?.();
  }
  const out: unknown[] = [];
  for await (const b of admin.listBlobsFlat())
    out.push(decodeRequestJson('logs', (await admin.getBlobClient(b.name).downloadToBuffer()).toString('utf8')));
  return out;
}

describe('azure_blob identity auth types against a token endpoint stand-in and Azurite in OAuth mode', () => {
  it('service_principal: client credentials with the secret, then the bearer token', async () => {
    withEntra({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
    const got = await roundTrip({
      type: 'service_principal',
      tenant_id: TENANT,
      client_id: CLIENT,
      client_secret: SECRET,
    });
    assert.deepEqual(got, [sampleLogs()]);
    const token = entra.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(token?.params.client_secret, SECRET);
    assert.equal(token?.params.scope, 'https://storage.azure.com/.default');
  });

  it('service_principal with a wrong secret: the export fails retryably, saying Entra ID refused, nothing lands', async () => {
    withEntra({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
    await assert.rejects(
      roundTrip({ type: 'service_principal', tenant_id: TENANT, client_id: CLIENT, client_secret: 'wrong' }),
      (err: Error & { retryable?: boolean }) => {
        assert.match(err.message, /cannot get a token for the storage account/);
        assert.doesNotMatch(err.message, /wrong/);
        assert.equal(err.retryable, true);
        return true;
      },
    );
  });

  it('workload_identity: the federated token file as client assertion', async () => {
    withEntra({ tenantId: TENANT, clientId: CLIENT, clientAssertion: FEDERATED });
    const got = await roundTrip({
      type: 'workload_identity',
      tenant_id: TENANT,
      client_id: CLIENT,
      federated_token_file: join(dir, 'token'),
    });
    assert.deepEqual(got, [sampleLogs()]);
  });

  it('system_managed_identity: the IMDS token endpoint with the Metadata header', async () => {
    withEntra({ tenantId: TENANT, clientId: CLIENT });
    const got = await roundTrip({ type: 'system_managed_identity' });
    assert.deepEqual(got, [sampleLogs()]);
    const imds = entra.requests.find((r) => r.path.startsWith('/metadata/identity/oauth2/token') && r.metadataHeader);
    assert.ok(imds);
    assert.equal(imds.params.client_id, undefined);
  });

  it('user_managed_identity: the IMDS token endpoint asked for that client ID', async () => {
    withEntra({ tenantId: TENANT, clientId: CLIENT, imdsClientId: CLIENT });
    const got = await roundTrip({ type: 'user_managed_identity', client_id: CLIENT });
    assert.deepEqual(got, [sampleLogs()]);
  });
});
