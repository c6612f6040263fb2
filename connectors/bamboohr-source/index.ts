import { defineConnector } from '../../runtime/index.ts';
import { bambooAuthorization } from './authorize.ts';
import { checkConnection } from './check.ts';
import { addressesFor, createBambooClient, createHttp, tlsOptionsFor } from './client.ts';
import { bambooHrSourceConfigSchema, DEFAULT_FIELDS, type BambooHrSourceConfig } from './config.ts';
import { knownFieldsFor } from './known-fields.ts';
import { apiKeyAuthorizer, oauthAuthorizer } from './oauth.ts';
import { createReader } from './reads.ts';
import { createSource, requestedFields } from './source.ts';
import { bambooWebhook } from './webhook.ts';

export const bambooHrSource = defineConnector<BambooHrSourceConfig>({
  type: 'bamboohr-source',
  kind: 'source',
  summary: 'Reads employees and their job information from BambooHR (OAuth 2.0 or API key).',
  configSchema: bambooHrSourceConfigSchema,
  examples: [
    {
      subdomain: 'keystone',
      auth: { oauth: { clientId: '${env:BAMBOOHR_CLIENT_ID}', clientSecret: '${secret:bamboohr-client-secret}', refreshToken: '${secret:bamboohr-refresh-token}' } },
    },
    { subdomain: 'keystone', auth: { apiKey: '${secret:bamboohr-api-key}' }, fields: ['firstName', 'lastName', 'department'] },
    { subdomain: 'keystone', auth: { apiKey: '${secret:bamboohr-api-key}' }, baseUrl: 'http://127.0.0.1:8765/co/keystone' },
  ],
  knownFields: (config) => knownFieldsFor(config.fields),
  authorize: bambooAuthorization,
  async create(config, context) {
    const addresses = addressesFor(config);
    const http = createHttp(config, context, await tlsOptionsFor(config, context));
    const auth =
      'oauth' in config.auth
        ? oauthAuthorizer(config, config.auth.oauth, context, http, addresses)
        : apiKeyAuthorizer(((reference) => () => context.secrets.resolve(reference))(config.auth.apiKey));
    const client = createBambooClient(addresses, http, auth);
    const fields = requestedFields(config, DEFAULT_FIELDS);
    const source = createSource(config, context, client, fields);
    let closed = false;
    return {
      ...source,
      webhook: bambooWebhook,
      check: ({ signal }) => checkConnection(client, createReader(client, fields, context.logger), config.subdomain, signal),
      async close() {
        if (closed) return;
        closed = true;
        await client.close();
      },
    };
  },
});
