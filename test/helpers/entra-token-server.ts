// A stand-in for Microsoft Entra ID and the managed identity endpoint, at the protocol level, for the azure_blob
// exporter's identity auth types: the OpenID metadata and token endpoint MSAL uses for client credentials (a client
// secret, or a federated token as client assertion), and the IMDS token endpoint (AZURE_POD_IDENTITY_AUTHORITY_HOST).
// It checks the credentials it is given and answers with an unsigned JWT that Azurite's OAuth mode accepts (it
// checks issuer, audience and lifetime, not signatures). HTTPS on 127.0.0.1 with the test CA: MSAL refuses http.
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  path: string;
  /** The form fields (client credentials) or query parameters (IMDS). */
  params: Record<string, string>;
  metadataHeader: string | undefined;
}

export interface EntraTokenServer {
  /** `https://127.0.0.1:<port>`: AZURE_AUTHORITY_HOST and AZURE_POD_IDENTITY_AUTHORITY_HOST. */
  url: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

export interface Expected {
  tenantId: string;
  clientId: string;
  /** What client_secret must be (service principal). */
  clientSecret?: string;
  /** What client_assertion must be (workload identity: the federated token file's content). */
  clientAssertion?: string;
  /** The client_id IMDS must be asked for (user-assigned identity); none: system-assigned. */
  imdsClientId?: string;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An unsigned JWT for Azure Storage, issued by the tenant. */
export function storageToken(tenantId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: 'https://storage.azure.com',
    iss: `https://sts.windows.net/${tenantId}/`,
    nbf: now - 60,
    exp: now + 3600,
    iat: now,
  };
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** `expected` is read at each request: a test may change it while the server runs. */
export async function startEntraTokenServer(
  tls: { cert: Buffer; key: Buffer },
  expected: Expected,
): Promise<EntraTokenServer> {
  const requests: TokenRequest[] = [];
  let url = '';
  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', url);
      const params = Object.fromEntries(
        req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : u.searchParams,
      );
      const meta = req.headers.metadata;
      requests.push({ path: u.pathname, params, metadataHeader: typeof meta === 'string' ? meta : undefined });
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const tenant = `/${expected.tenantId}`;
      if (u.pathname === `${tenant}/v2.0/.well-known/openid-configuration`) {
        send(200, {
          issuer: `${url}${tenant}/v2.0`,
          authorization_endpoint: `${url}${tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${url}${tenant}/oauth2/v2.0/token`,
          end_session_endpoint: `${url}${tenant}/oauth2/v2.0/logout`,
          jwks_uri: `${url}${tenant}/discovery/v2.0/keys`,
          response_types_supported: ['code'],
        });
        return;
      }
      const ok = (): void =>
        send(200, {
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: storageToken(expected.tenantId),
        });
      const refuse = (why: string): void =>
        send(401, { error: 'invalid_client', error_description: `AADSTS7000215: ${why}`, error_codes: [7000215] });
      if (u.pathname === `${tenant}/oauth2/v2.0/token`) {
        if (params.grant_type !== 'client_credentials') return refuse('grant_type must be client_credentials');
        if (params.client_id !== expected.clientId) return refuse('unknown client');
        if (params.scope !== 'https://storage.azure.com/.default')
          return refuse(`unexpected scope ${params.scope ?? ''}`);
        if (expected.clientSecret !== undefined && params.client_secret !== expected.clientSecret)
          return refuse('Invalid client secret provided.');
        if (
          expected.clientAssertion !== undefined &&
          (params.client_assertion !== expected.clientAssertion ||
            params.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
        )
          return refuse('Invalid client assertion.');
        return ok();
      }
      // MSAL asks with a trailing slash; IMDS takes both.
      if (u.pathname.replace(/\/$/, '') === '/metadata/identity/oauth2/token') {
        if (meta !== 'true')
          return send(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
        if (params.resource !== 'https://storage.azure.com/' && params.resource !== 'https://storage.azure.com')
          return send(400, { error: 'invalid_resource' });
        if ((params.client_id ?? undefined) !== expected.imdsClientId)
          return send(400, { error: 'invalid_request', error_description: 'Identity not found' });
        const expiresOn = Math.floor(Date.now() / 1000) + 3600;
        return send(200, {
          access_token: storageToken(expected.tenantId),
          expires_in: '3600',
          expires_on: String(expiresOn),
          resource: params.resource,
          token_type: 'Bearer',
        });
      }
      send(404, { error: 'not_found' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
