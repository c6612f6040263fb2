// Where `${secret:name}` comes from, in this order (validate and the runtime use the same order):
//   1. the encrypted store, <data dir>/secrets.json;
//   2. the environment variable ML_CONNECTOR_SECRET_<NAME>;
//   3. a file named after the secret in the secrets directory (Docker and Kubernetes secret mounts).
// The first source that has the name wins; a store entry that cannot be opened (no key, wrong key, damaged)
// is an error, never a fall-through to a weaker source. Empty values are not secrets.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findReferences, type SecretLookup } from '../load/references.ts';
import { EncryptedSecretStore } from './encrypted-store.ts';
import { loadKeyRing, requireKeyRing, type KeyRing } from './key-ring.ts';
import { checkSecretName, isSecretName, secretEnvName, secretError, secretValueFromBytes } from './secret-rules.ts';

export interface SecretResolverOptions {
  /** Holds secrets.json. */
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Base for a relative ML_CONNECTOR_MASTER_KEY_FILE (default: the process's). */
  cwd?: string;
  secretsDir?: string;
  /** `--key-file`, resolved. */
  keyFile?: string;
  /** Told which source answered, by name only (a pino logger fits). */
  log?: SecretLog;
}

export interface SecretLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export type SecretSource = 'store' | 'env' | 'secrets-dir';

export interface SecretResolver extends SecretLookup {
  /** A text holding `${secret:name}` / `${env:NAME}` references, with each replaced by its value. */
  resolve(reference: string): Promise<string>;
  /** One secret by name through the order above; undefined when no source has it. */
  get(name: string): Promise<string | undefined>;
  /** Writes to the encrypted store (a rotated refresh token); from then on the store's value wins. */
  store(name: string, value: string): Promise<void>;
  readonly storePath: string;
}

export const secretStorePath = (dataDir: string): string => join(dataDir, 'secrets.json');

export function createSecretResolver(options: SecretResolverOptions): SecretResolver {
  const store = new EncryptedSecretStore(secretStorePath(options.dataDir));
  const { env, secretsDir, log } = options;
  let ring: Promise<KeyRing | undefined> | undefined;
  const keys = (): Promise<KeyRing | undefined> => (ring ??= loadKeyRing({ env, cwd: options.cwd ?? process.cwd(), ...(options.keyFile ? { keyFile: options.keyFile } : {}) }));

  async function fromStore(name: string): Promise<string | undefined> {
    if (!(await store.has(name))) return undefined;
    try {
      return await store.get(name, requireKeyRing(await keys()));
    } catch (error) {
      // Another process may have rotated the key file since it was read: read the keys once more.
      if ((error as { code?: string }).code !== 'MLC_SECRET_KEY_MISMATCH') throw error;
      ring = undefined;
      return store.get(name, requireKeyRing(await keys()));
    }
  }

  async function fromDirectory(name: string): Promise<string | undefined> {
    if (!secretsDir) return undefined;
    try {
      const read = secretValueFromBytes(await readFile(join(secretsDir, name)));
      return 'value' in read ? read.value : undefined;
    } catch {
      return undefined;
    }
  }

  async function lookup(name: string): Promise<{ value: string; source: SecretSource } | undefined> {
    const stored = await fromStore(name);
    if (stored !== undefined) return { value: stored, source: 'store' };
    const fromEnv = env[secretEnvName(name)];
    if (fromEnv) return { value: fromEnv, source: 'env' };
    const filed = await fromDirectory(name);
    return filed === undefined ? undefined : { value: filed, source: 'secrets-dir' };
  }

  async function get(name: string): Promise<string | undefined> {
    checkSecretName(name);
    const found = await lookup(name);
    log?.debug({ secret: name, from: found?.source ?? 'nowhere' }, 'secret looked up');
    return found?.value;
  }

  /** Where a secret is looked for; with a name, the concrete variable and file to set. */
  const describe = (name?: string): string =>
    [`the store ${store.path}`, name ? secretEnvName(name) : 'ML_CONNECTOR_SECRET_<NAME>', ...(secretsDir ? [`${secretsDir}/${name ?? '<name>'}`] : [])].join(', then ');

  return {
    storePath: store.path,
    configured: () => store.exists() || secretsDir !== undefined || Object.keys(env).some((k) => k.startsWith('ML_CONNECTOR_SECRET_')),
    async has(name) {
      if (!isSecretName(name)) return false;
      if (await store.has(name)) return true;
      return Boolean(env[secretEnvName(name)]) || (await fromDirectory(name)) !== undefined;
    },
    describe,
    get,
    async resolve(text) {
      const { references, malformed } = findReferences(text);
      if (malformed.length > 0) throw secretError('MLC_SCHEMA_INVALID', `'${malformed[0]?.text}' is not a reference: references are \${env:NAME} or \${secret:name}`);
      const values = new Map<string, string>();
      for (const { kind, name } of references) {
        const written = `\${${kind}:${name}}`;
        if (values.has(written)) continue;
        const value = kind === 'env' ? env[name] : await get(name);
        if (value === undefined && kind === 'env') throw secretError('MLC_ENV_UNSET', `environment variable ${name} is not set`);
        if (value === undefined) throw secretError('MLC_SECRET_MISSING', `secret '${name}' is not stored (looked in ${describe()})`);
        values.set(written, value);
      }
      if (values.size === 0) return text;
      // One pass, so a value that happens to contain `${…}` or `$&` is inserted as it is.
      const pattern = new RegExp([...values.keys()].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
      return text.replace(pattern, (written) => values.get(written) ?? written);
    },
    async store(name, value) {
      checkSecretName(name);
      // A connector storing an empty credential is a defect, not a setting to fix.
      if (value.length === 0) throw new Error(`secret '${name}' cannot be stored empty`);
      await store.set(name, value, requireKeyRing(await keys()));
      log?.info({ secret: name }, 'secret stored');
    },
  };
}
