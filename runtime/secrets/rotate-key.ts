// `secrets rotate-key`: every entry re-encrypted under a new master key, so that a kill at any instant
// leaves a store that can be read, and running the command again finishes the job.
//
// With a key file and no new key given, the command makes and installs the key itself:
//   1. a new key is written durably to `<key file>.next` (or an existing one is reused: a resumed run);
//   2. the store is re-encrypted under it in one durable write;
//   3. `.next` is renamed over the key file.
// Until 3, every reader loads `.next` beside the key file, so entries under either key open.
// With a new key given (--new-key-file or ML_CONNECTOR_NEW_MASTER_KEY), only step 2 runs; the operator
// then points ML_CONNECTOR_MASTER_KEY (or the key file) at the new key, with
// ML_CONNECTOR_MASTER_KEY_PREVIOUS holding the old one while other processes still run with it.
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory, writeFileDurably } from '../util/durable-write.ts';
import { crashPoint } from './crash-point.ts';
import type { EncryptedSecretStore, RewrapResult } from './encrypted-store.ts';
import { nextKeyFile, ringRotatedTo, type KeyRing } from './key-ring.ts';
import { formatMasterKey, generateMasterKey, parseMasterKey, readKeyFile, type MasterKey } from './master-key.ts';

export interface RotateResult extends RewrapResult {
  from: string;
  to: MasterKey;
  /** True when the command replaced the key file itself; else the operator must switch to the new key. */
  installed: boolean;
}

export async function rotateToGivenKey(store: EncryptedSecretStore, ring: KeyRing, next: MasterKey): Promise<RotateResult> {
  const counts = await store.rewrap(ringRotatedTo(ring, next), next);
  crashPoint('rotate:store-written');
  return { ...counts, from: ring.current.id, to: next, installed: false };
}

export async function rotateKeyFile(store: EncryptedSecretStore, ring: KeyRing, keyFile: string): Promise<RotateResult> {
  const pending = nextKeyFile(keyFile);
  let next: MasterKey;
  if (existsSync(pending)) {
    next = await readKeyFile(pending);
  } else {
    await store.checkReadable(ring);
    const key = generateMasterKey();
    next = parseMasterKey(key.toString('base64'), `key file ${pending}`);
    await writeFileDurably(pending, formatMasterKey(key), { mode: 0o600 });
    crashPoint('rotate:next-key-written');
  }
  const counts = await store.rewrap(ringRotatedTo(ring, next), next);
  crashPoint('rotate:store-written');
  await rename(pending, keyFile);
  await syncDirectory(dirname(keyFile));
  // The previous key is not kept: a rotation after a leak must leave no copy of it behind.
  return { ...counts, from: ring.current.id, to: { ...next, source: `key file ${keyFile}` }, installed: true };
}
