// The connectors the product ships, in one explicit, sorted list.
import type { AnyConnectorDefinition } from '../runtime/index.ts';
import { bambooHrSource } from './bamboohr-source/index.ts';
import { sage100AgentSink } from './sage100-agent-sink/index.ts';

export const connectorDefinitions: readonly AnyConnectorDefinition[] = [bambooHrSource, sage100AgentSink];
