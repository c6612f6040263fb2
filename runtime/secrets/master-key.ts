// The master key that encrypts the secret store: 32 bytes from ML_CONNECTOR_MASTER_KEY or a key file,
// written as 64 hex digits or as base64 (standard or URL-safe, padding optional). It is identified in
// every envelope by a key id, a hash prefix that says which key opens it without revealing the key.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { secretError } from './secret-rules.ts';

export const KEY_BYTES = 32;

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
  /** Where it came from, for messages: an environment variable's name or a file's path (never the key). */
  readonly source: string;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update('ml-connector master key id\0').update(key).digest('hex').slice(0, 16);
}

export function generateMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The form written by `secrets init-key`: base64, one line. */
export function formatMasterKey(key: Buffer): string {
  return `${key.toString('base64')}\n`;
}

export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  // Hex first: a base64 key of 32 bytes always has 44 characters with '=', so never looks like hex.
  if (/^(?:[0-9a-fA-F]{2})+$/.test(trimmed)) {
    key = Buffer.from(trimmed, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    // Node skips characters it cannot decode; re-encoding catches a key that was silently shortened.
    const canonical = (s: string): string => s.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    if (canonical(decoded.toString('base64')) === canonical(trimmed)) key = decoded;
  }
  if (key === undefined || key.length !== KEY_BYTES) {
    const got = key === undefined ? 'is neither hex nor base64' : `decodes to ${key.length} bytes`;
    throw secretError('MLC_SECRET_KEY_INVALID', `the master key in ${source} ${got}; it must be ${KEY_BYTES} random bytes written as 64 hex digits or as base64 (make one with 'ml-connector secrets init-key')`);
  }
  return { id: keyId(key), key, source };
}

/** Reads a key file, refusing one that its group or others may read or write (as ssh does). */
export async function readKeyFile(path: string): Promise<MasterKey> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw secretError('MLC_SECRET_KEY_MISSING', `master key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  if (!info.isFile()) throw secretError('MLC_SECRET_KEY_INVALID', `master key file ${path} is not a regular file`);
  // Windows has no POSIX modes (stat reports 0o666 for every file); ACLs guard it there.
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw secretError('MLC_SECRET_KEY_FILE_MODE', `master key file ${path} has mode ${(info.mode & 0o777).toString(8).padStart(3, '0')}: its group or others can read or write it; run 'chmod 600 ${path}'`);
  }
  return parseMasterKey(await readFile(path, 'utf8'), `key file ${path}`);
}
