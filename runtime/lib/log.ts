// The one module that wraps pino. Everything logs through here so that redaction of secrets is
// configured once and a swap of logging library touches one file.
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'privateKey',
  'signingKey',
  'token',
  'cookie',
  'x-api-key',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dotted = safe.startsWith('[') ? safe : `.${safe}`;
    paths.push(safe.startsWith('[') ? safe : key, `*${dotted}`, `*.*${dotted}`);
  }
  return paths;
}

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Defaults to stderr so that stdout stays free for a command's own output (JSON lines, reports). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactPaths(), censor: '[redacted]' },
      base: { name: options.name },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that writes nothing, for tests and library use where the caller did not ask for logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
