// The checking commands and the connector registry they share, loaded only when one of them runs:
// `--help`, `--version` and the servers never pay for compiling schemas or loading the parsers.
import { readCommand } from '../runtime/cli/read-command.ts';
import { testCommand } from '../runtime/cli/test-command.ts';
import { validateCommand } from '../runtime/cli/validate-command.ts';
import { createRegistry } from '../runtime/connectors/registry.ts';
import { connectorDefinitions } from '../connectors/index.ts';
import { demoCommand } from './demo-command.ts';

export const registry = createRegistry(connectorDefinitions);
export const validate = validateCommand(registry);
export const test = testCommand(registry);
export const demo = demoCommand(registry, validate, test);
export const read = readCommand(registry);
