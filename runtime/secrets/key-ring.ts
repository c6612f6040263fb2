// The keys the store may use: the current master key (it encrypts), plus keys that only decrypt during a
// rotation: a key file's `.next` sibling (left by an interrupted `rotate-key`) and
// ML_CONNECTOR_MASTER_KEY_PREVIOUS (for a rotation where the operator swaps the environment variable).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMasterKey, readKeyFile, type MasterKey } from './master-key.ts';
import { secretError } from './secret-rules.ts';

export interface KeySources {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--key-file`; it wins over both environment variables. */
  keyFile?: string;
}

export interface KeyRing {
  readonly current: MasterKey;
  /** Every key that may open an envelope, the current one first. */
  readonly keys: readonly MasterKey[];
  /** The key file the current key came from, if any: `rotate-key` can then replace it itself. */
  readonly keyFile?: string;
}

export const nextKeyFile = (keyFile: string): string => `${keyFile}.next`;

/** Which key file is configured, if any (an explicit flag, else ML_CONNECTOR_MASTER_KEY_FILE). */
export function configuredKeyFile(sources: KeySources): string | undefined {
  const file = sources.keyFile ?? sources.env.ML_CONNECTOR_MASTER_KEY_FILE;
  if (file === undefined || file === '') return undefined;
  if (sources.keyFile === undefined && sources.env.ML_CONNECTOR_MASTER_KEY) {
    throw secretError('MLC_SECRET_KEY_INVALID', 'both ML_CONNECTOR_MASTER_KEY and ML_CONNECTOR_MASTER_KEY_FILE are set: give the master key one way');
  }
  return resolve(sources.cwd, file);
}

/** The key ring, or undefined when no master key is configured at all. */
export async function loadKeyRing(sources: KeySources): Promise<KeyRing | undefined> {
  const keyFile = configuredKeyFile(sources);
  const envKey = sources.env.ML_CONNECTOR_MASTER_KEY;
  let current: MasterKey;
  const extra: MasterKey[] = [];
  if (keyFile !== undefined) {
    current = await readKeyFile(keyFile);
    if (existsSync(nextKeyFile(keyFile))) extra.push(await readKeyFile(nextKeyFile(keyFile)));
  } else if (envKey !== undefined && envKey !== '') {
    current = parseMasterKey(envKey, 'ML_CONNECTOR_MASTER_KEY');
  } else {
    return undefined;
  }
  const previous = sources.env.ML_CONNECTOR_MASTER_KEY_PREVIOUS;
  if (previous) extra.push(parseMasterKey(previous, 'ML_CONNECTOR_MASTER_KEY_PREVIOUS'));
  const keys = [current, ...extra.filter((k, i) => k.id !== current.id && extra.findIndex((o) => o.id === k.id) === i)];
  return { current, keys, ...(keyFile !== undefined ? { keyFile } : {}) };
}

export function requireKeyRing(ring: KeyRing | undefined): KeyRing {
  if (!ring) {
    throw secretError('MLC_SECRET_KEY_MISSING', 'the secret store needs its master key: set ML_CONNECTOR_MASTER_KEY (32 bytes as hex or base64) or ML_CONNECTOR_MASTER_KEY_FILE, or pass --key-file (make one with \'ml-connector secrets init-key --key-file FILE\')');
  }
  return ring;
}

/** A ring whose current key is `next`, still able to open what the old ring opens (used by rotate-key). */
export function ringRotatedTo(ring: KeyRing, next: MasterKey): KeyRing {
  return { current: next, keys: [next, ...ring.keys.filter((k) => k.id !== next.id)], ...(ring.keyFile !== undefined ? { keyFile: ring.keyFile } : {}) };
}
