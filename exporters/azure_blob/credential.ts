// The storage account's credentials per auth.type, as the Collector's exporter builds them with azidentity:
// a connection string (account key or SAS), or an Entra ID token from a service principal's secret, the managed
// identity endpoint (system or user assigned), or a workload identity's federated token file. The Azure SDK reads
// its usual environment variables (AZURE_AUTHORITY_HOST for sovereign clouds, the managed identity endpoints).
import type { TokenCredential } from '@azure/identity';
import { ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AzureBlobConfig } from './config.ts';

/** The SDK's own retries are off: the exporter's retry_on_failure and sending_queue decide. */
const PIPELINE = { retryOptions: { maxTries: 1 } };

function tokenCredential(auth: AzureBlobConfig['auth']): TokenCredential {
  // Instance discovery asks the public cloud about the authority; with an authority host of its own (a sovereign
  // or private cloud) there is nothing to ask.
  const common = { disableInstanceDiscovery: process.env.AZURE_AUTHORITY_HOST !== undefined };
  const need = (v: string | undefined): string => v ?? ''; // validate made sure they are set
  switch (auth.type) {
    case 'service_principal':
      return new ClientSecretCredential(need(auth.tenant_id), need(auth.client_id), need(auth.client_secret), common);
    case 'system_managed_identity':
      return new ManagedIdentityCredential();
    case 'user_managed_identity':
      return new ManagedIdentityCredential({ clientId: need(auth.client_id) });
    case 'workload_identity':
      return new WorkloadIdentityCredential({
        ...common,
        tenantId: need(auth.tenant_id),
        clientId: need(auth.client_id),
        tokenFilePath: need(auth.federated_token_file),
      });
    case 'connection_string':
      throw new Error('a connection string is no token credential');
  }
}

/** The client for the account; errors never quote the connection string or a secret. */
export function serviceClient(cfg: AzureBlobConfig): BlobServiceClient {
  if (cfg.auth.type === 'connection_string') {
    try {
      return BlobServiceClient.fromConnectionString(cfg.auth.connection_string ?? '', PIPELINE);
    } catch (err) {
      // The SDK's message may quote the connection string: say what is wrong without it, and without it as cause.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`auth.connection_string is not a valid Azure Storage connection string (${errorKind(err)})`);
    }
  }
  return new BlobServiceClient(cfg.url ?? '', tokenCredential(cfg.auth), PIPELINE);
}

/** An error's name and code, never its message (which may quote a connection string or a SAS URL). */
export function errorKind(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name} ${code}` : err.name;
}
