import { ConnectorRuntimeError, defineConnector } from '../../runtime/index.ts';
import { bambooHrSourceConfigSchema, DEFAULT_FIELDS, type BambooHrSourceConfig } from './config.ts';

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
  ],
  knownFields: (config) => config.fields ?? DEFAULT_FIELDS,
  create() {
    // The client (OAuth refresh, throttling, bulk reads) is the next issue's work; until then the
    // connector validates but refuses to run rather than pretend.
    throw new ConnectorRuntimeError('MLC_CONNECTOR_NOT_IMPLEMENTED', 'bamboohr-source cannot run yet: its client is not built');
  },
});
