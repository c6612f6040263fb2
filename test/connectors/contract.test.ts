// Every registered connector passes the static half of the connector contract harness; each
// connector's own tests run the live half against its stand-in.
import { connectorDefinitions } from '../../connectors/index.ts';
import { describeConnectorContract } from '../support/connector-harness.ts';

for (const definition of connectorDefinitions) describeConnectorContract(definition);
