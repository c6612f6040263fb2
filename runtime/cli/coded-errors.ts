import { ConnectorRuntimeError } from '../errors.ts';
import { EXIT, type CliIo } from './command.ts';

/**
 * Runs a command body, turning a coded error of ours (a missing master key, a damaged store) into one
 * line on stderr and exit 1: it is something for the user to fix, not a defect to print a stack for.
 */
export async function reportingCodedErrors(label: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof ConnectorRuntimeError) || error.errorClass === 'bug') throw error;
    io.stderr(`ml-connector ${label}: error ${error.code}: ${error.message}\n`);
    return EXIT.invalid;
  }
}
