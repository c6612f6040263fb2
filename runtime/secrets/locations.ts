// Where the secret sources are, from command-line flags and the environment, for every command that
// reads secrets (validate, secrets, and later run/serve), so they all agree.
import { resolve } from 'node:path';
import type { SecretResolverOptions } from './resolver.ts';

export const DEFAULT_DATA_DIR = '.ml-connector';

/** The flags, for parseCommandArgs. */
export const SECRET_LOCATION_OPTIONS = {
  data: { type: 'string' },
  'secrets-dir': { type: 'string' },
  'key-file': { type: 'string' },
} as const;

export interface SecretLocationFlags {
  data?: string | boolean | (string | boolean)[] | undefined;
  'secrets-dir'?: string | boolean | (string | boolean)[] | undefined;
  'key-file'?: string | boolean | (string | boolean)[] | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** --data DIR, else $ML_CONNECTOR_DATA, else ./.ml-connector; --secrets-dir, else $ML_CONNECTOR_SECRETS_DIR. */
export function secretLocations(flags: SecretLocationFlags, io: { env: NodeJS.ProcessEnv; cwd: string }): SecretResolverOptions {
  const dataDir = resolve(io.cwd, text(flags.data) ?? text(io.env.ML_CONNECTOR_DATA) ?? DEFAULT_DATA_DIR);
  const secretsDir = text(flags['secrets-dir']) ?? text(io.env.ML_CONNECTOR_SECRETS_DIR);
  const keyFile = text(flags['key-file']);
  return {
    dataDir,
    env: io.env,
    cwd: io.cwd,
    ...(secretsDir ? { secretsDir: resolve(io.cwd, secretsDir) } : {}),
    ...(keyFile ? { keyFile: resolve(io.cwd, keyFile) } : {}),
  };
}
