// A command's structured log goes to its io's stderr (the process's, or a test's or the demo's
// capture), at the level its environment asks for (LOG_LEVEL), never around it to fd 2.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../lib/log.ts';
import type { CliIo } from './command.ts';

export function ioLogger(io: Pick<CliIo, 'stderr' | 'env'>, name: string, defaultLevel = 'info'): Logger {
  const destination = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      io.stderr(chunk.toString('utf8'));
      done();
    },
  });
  return createLogger({ name, level: io.env.LOG_LEVEL ?? defaultLevel, destination });
}
