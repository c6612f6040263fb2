// Throw-away directories and master keys for the secret store's tests (used by tests only).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyRing, type KeyRing } from './key-ring.ts';

export interface SecretsScratch {
  dir: string;
  path(name: string): string;
  remove(): void;
}

export function secretsScratch(): SecretsScratch {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-secrets-'));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh master key as ML_CONNECTOR_MASTER_KEY would hold it. */
export const newKeyText = (form: 'base64' | 'hex' = 'base64'): string => randomBytes(32).toString(form);

export function writeKeyFile(path: string, text = newKeyText(), mode = 0o600): string {
  writeFileSync(path, `${text}\n`, { mode });
  chmodSync(path, mode);
  return text;
}

export async function ringOf(keyText: string, previous?: string): Promise<KeyRing> {
  const ring = await loadKeyRing({ env: { ML_CONNECTOR_MASTER_KEY: keyText, ...(previous ? { ML_CONNECTOR_MASTER_KEY_PREVIOUS: previous } : {}) }, cwd: '/' });
  if (!ring) throw new Error('no ring');
  return ring;
}

/** The code of the error a promise rejects with (or 'resolved'). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message);
  }
}

