// Where `validate` looks for secrets until the encrypted store exists: an environment variable
// ML_CONNECTOR_SECRET_<NAME> (name upper-cased, other characters as _) or a file named after the
// secret in a secrets directory (the layout of Docker and Kubernetes secret mounts).
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretLookup } from '../load/references.ts';

export function secretEnvName(name: string): string {
  return `ML_CONNECTOR_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function plainSecretLookup(env: NodeJS.ProcessEnv, directory: string | undefined): SecretLookup {
  return {
    configured: () => directory !== undefined || Object.keys(env).some((key) => key.startsWith('ML_CONNECTOR_SECRET_')),
    async has(name) {
      if (env[secretEnvName(name)] !== undefined) return true;
      if (!directory || name.includes('/') || name.startsWith('.')) return false;
      try {
        await access(join(directory, name));
        return true;
      } catch {
        return false;
      }
    },
    describe: () => `ML_CONNECTOR_SECRET_<NAME>${directory ? ` and ${directory}/<name>` : ''}`,
  };
}
