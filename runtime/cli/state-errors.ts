import { ConnectorRuntimeError } from '../errors.ts';

/**
 * Runs a server's start-up, which reads the state it saved before. Start-up parses nothing else as
 * JSON, so a JSON syntax error there is a damaged state file (a crash mid-write by an older version,
 * a hand edit): the user's to fix, reported as one line that names where the state lives.
 */
export async function loadingState<T>(where: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ConnectorRuntimeError('MLC_STATE_CORRUPT', `the state saved in ${where} is damaged (${error.message}); move the damaged file aside, or start with another data location`, { cause: error });
  }
}
