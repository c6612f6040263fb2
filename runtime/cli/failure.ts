// What the user sees when a command throws. A mistake of theirs (a wrong flag, a port in use, a file
// that is not there) is one line and exit 1 or 2; only a defect of ours is exit 3, and its stack is
// shown only with --debug. Commands therefore throw and never print stacks themselves.
import { ConnectorRuntimeError, type ErrorCode } from '../errors.ts';
import { EXIT, UsageError } from './command.ts';

/** The code of every mistake on the command line, wherever it is reported. */
export const USAGE_CODE: ErrorCode = 'MLC_USAGE';
const INTERNAL_CODE: ErrorCode = 'MLC_INTERNAL';

export interface Failure {
  exitCode: number;
  /** Everything to print on stderr, ending in a newline. */
  text: string;
}

/**
 * Errors from the operating system that describe the user's machine or files, not our code: a port
 * in use, a path that does not exist or is the wrong kind, no permission, a full disk.
 */
const ENVIRONMENT_ERRNOS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'EPERM', 'ENOENT', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EROFS', 'EMFILE', 'ENAMETOOLONG', 'ELOOP', 'ENOTFOUND']);

/** node:util parseArgs used directly by a command: its errors are the user's wrong flags too. */
function isArgumentParseError(error: unknown): error is Error {
  return error instanceof Error && /^ERR_PARSE_ARGS_/.test(String((error as NodeJS.ErrnoException).code));
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && ENVIRONMENT_ERRNOS.has(code) ? code : undefined;
}

const PATH_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, where a file is needed',
  ENOTDIR: 'is not a directory (or a part of its path is a file)',
  EEXIST: 'already exists and is not a directory',
  EROFS: 'is on a read-only file system',
  ENAMETOOLONG: 'is too long a name',
  ELOOP: 'has too many symbolic links',
};

function environmentMessage(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') {
    const where = /in use (\S+)/.exec(error.message)?.[1];
    return `cannot listen${where ? ` on ${where}` : ''}: the port is already in use (choose another with --port)`;
  }
  const problem = error.code ? PATH_PROBLEMS[error.code] : undefined;
  if (error.path && problem) return `${error.path} ${problem} (${error.code})`;
  return error.message.split('\n')[0] ?? String(error.code);
}

export function describeFailure(prefix: string, error: unknown, options: { debug: boolean; version: string }): Failure {
  if (error instanceof UsageError || isArgumentParseError(error)) return { exitCode: EXIT.usage, text: `${prefix}: error ${USAGE_CODE}: ${error.message}\n` };
  if (error instanceof ConnectorRuntimeError && error.errorClass !== 'bug') {
    return { exitCode: error.errorClass === 'usage' ? EXIT.usage : EXIT.invalid, text: `${prefix}: error ${error.code}: ${error.message}\n${stackIf(options.debug, error)}` };
  }
  const errno = errnoOf(error);
  if (errno) return { exitCode: EXIT.invalid, text: `${prefix}: error: ${environmentMessage(error as NodeJS.ErrnoException)}\n${stackIf(options.debug, error)}` };
  const code = error instanceof ConnectorRuntimeError ? error.code : INTERNAL_CODE;
  const message = error instanceof Error ? error.message : String(error);
  const advice = options.debug ? stackIf(true, error) : `    run again with --debug to see the stack trace\n`;
  return {
    exitCode: EXIT.internal,
    text: `${prefix}: internal error ${code}: ${message}\n    this is a bug in ml-connector ${options.version}, not a mistake of yours: please report it with the command you ran and this message\n${advice}`,
  };
}

function stackIf(debug: boolean, error: unknown): string {
  return debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
}
