// Until the encrypted secret store is on this branch: `${secret:name}` from ML_CONNECTOR_SECRET_<NAME>
// or a file in the secrets directory, `${env:NAME}` from the environment, behind the same interface
// connectors see (resolve / store). A stored (rotated) value is kept for this process only.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorSecrets } from '../connectors/context.ts';
import { MlcError } from '../errors.ts';
import { secretEnvName } from '../secrets/plain-lookup.ts';

const REFERENCE = /\$\{(secret|env):([^}]+)\}/g;

export function envSecrets(env: NodeJS.ProcessEnv, secretsDir?: string): ConnectorSecrets {
  const stored = new Map<string, string>();
  const secret = async (name: string): Promise<string> => {
    const value = stored.get(name) ?? env[secretEnvName(name)] ?? (secretsDir && !name.includes('/') ? await readFile(join(secretsDir, name), 'utf8').then((t) => t.trim()).catch(() => undefined) : undefined);
    if (value === undefined) throw new MlcError('MLC_SECRET_MISSING', `secret '${name}' is not stored (looked in ${secretEnvName(name)}${secretsDir ? ` and ${secretsDir}/${name}` : ''})`);
    return value;
  };
  return {
    async resolve(reference) {
      let out = '';
      let last = 0;
      for (const match of reference.matchAll(REFERENCE)) {
        const [whole, kind, name = ''] = match;
        const value = kind === 'secret' ? await secret(name) : env[name];
        if (value === undefined) throw new MlcError('MLC_ENV_UNSET', `environment variable ${name} is not set`);
        out += reference.slice(last, match.index) + value;
        last = (match.index ?? 0) + whole.length;
      }
      return out + reference.slice(last);
    },
    async store(name, value) {
      stored.set(name, value);
    },
  };
}
