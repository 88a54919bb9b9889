import { defineExtension } from '../../core/component.ts';
import { BearerTokenAuth } from './bearer-token-auth.ts';
import { bearerTokenAuthConfigSchema, validateBearerTokenAuthConfig } from './config.ts';
import type { BearerTokenAuthConfig } from './config.ts';

export const bearerTokenAuthFactory = defineExtension<BearerTokenAuthConfig>({
  kind: 'extension',
  type: 'bearertokenauth',
  stability: 'alpha',
  description:
    'Checks a bearer token on incoming requests and adds it to outgoing ones; the token file is re-read when it rotates.',
  configSchema: bearerTokenAuthConfigSchema,
  validate: validateBearerTokenAuthConfig,
  createExtension: (settings, config) => new BearerTokenAuth(settings, config),
});
