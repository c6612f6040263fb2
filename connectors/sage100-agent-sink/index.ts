import { ConnectorRuntimeError, defineConnector } from '../../runtime/index.ts';
import { sage100AgentSinkConfigSchema, segmentFormats, type Sage100AgentSinkConfig } from './config.ts';
import { sinkEntities } from './entities.ts';

export const sage100AgentSink = defineConnector<Sage100AgentSinkConfig>({
  type: 'sage100-agent-sink',
  kind: 'sink',
  summary: "Writes GL sub-account segments, GL accounts and headcount to Sage 100 through the ml-connector agent on the customer's server.",
  configSchema: sage100AgentSinkConfigSchema,
  examples: [
    {
      url: 'https://sage-agent.keystone.internal:8443',
      tls: { ca: '${secret:sage-agent-ca}' },
      auth: { apiKey: '${secret:sage-agent-key}' },
      company: 'KBS',
      accountFormat: {
        separator: '-',
        segments: [
          { name: 'main', length: 4, type: 'numeric' },
          { name: 'division', length: 2, type: 'numeric' },
          { name: 'department', length: 3, type: 'alphanumeric' },
          { name: 'location', length: 2, type: 'numeric' },
        ],
      },
    },
  ],
  entities: sinkEntities,
  targetFormats: segmentFormats,
  create() {
    // The agent client (pinned TLS, idempotent writes, lock retries) is the next issue's work; until
    // then the connector validates but refuses to run rather than pretend.
    throw new ConnectorRuntimeError('MLC_CONNECTOR_NOT_IMPLEMENTED', 'sage100-agent-sink cannot run yet: its client is not built');
  },
});
