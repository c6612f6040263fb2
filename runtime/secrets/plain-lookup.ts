// Where `validate` looks for secrets until the encrypted store exists: an environment variable
// ML_CONNECTOR_SECRET_<NAME> (name upper-cased, other characters as _) or a file named after the
// secret in a secrets directory (the layout of Docker and Kubernetes secret mounts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretLookup } from '../load/references.ts';

export function secretEnvName(name: string): string {
  return `ML_CONNECTOR_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function plainSecretLookup(env: NodeJS.ProcessEnv, directory: string | undefined): SecretLookup {
  return {
    configured: () => directory !== undefined || Object.keys(env).some((key) => key.startsWith('ML_CONNECTOR_SECRET_')),
    async has(name) {
      // An empty value is a mount or export that went wrong, not a secret.
      if ((env[secretEnvName(name)] ?? '') !== '') return true;
      if (!directory || name.includes('/') || name.startsWith('.')) return false;
      try {
        return (await readFile(join(directory, name), 'utf8')).trim() !== '';
      } catch {
        return false;
      }
    },
    describe: (name) => (name ? `${secretEnvName(name)}${directory ? ` and ${join(directory, name)}` : ''}` : `ML_CONNECTOR_SECRET_<NAME>${directory ? ` and ${directory}/<name>` : ''}`),
  };
}
