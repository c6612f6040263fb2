// The CLI with the test connectors registered, as a real process: fault tests spawn it and kill it.
// Usage: node test/support/engine-cli.mjs <command> [args…]; the source and sink are configured by the
// pipeline file (the sink keeps its effects in a file, so they survive the kill).
import { dispatch } from '../../runtime/cli/dispatch.ts';
import { processIo } from '../../runtime/cli/process-io.ts';
import { planCommand } from '../../runtime/cli/plan-command.ts';
import { replayCommand, runCommand } from '../../runtime/cli/run-command.ts';
import { auditCommand, quarantineListCommand, snapshotExportCommand } from '../../runtime/cli/state-commands.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { testSinkDefinition, testSourceDefinition } from './test-connectors.ts';

export const testRegistry = createRegistry([testSourceDefinition(), testSinkDefinition()]);
export const engineCommands = [runCommand(testRegistry), planCommand(testRegistry), replayCommand(testRegistry), auditCommand(), quarantineListCommand(), snapshotExportCommand(), serveCommand(testRegistry)];

export async function main(args: string[]): Promise<number> {
  return dispatch({ name: 'ml-connector', version: 'test' }, engineCommands, args, processIo());
}
