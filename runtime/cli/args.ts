import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../util/did-you-mean.ts';
import { UsageError } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into usage errors that suggest the closest option. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const suggestion = closestMatch(unknown.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`unknown option '${unknown}'${suggestion ? ` (did you mean '--${suggestion}'?)` : ''}`);
    }
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}
