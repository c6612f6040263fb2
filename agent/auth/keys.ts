// API keys. Only a SHA-256 hash of each key is stored (keys are 256-bit random, so a fast hash is
// enough: there is nothing to brute-force). Presented keys are hashed and compared with
// timingSafeEqual on the fixed-length hashes, never on the raw strings (whose lengths differ and
// would make timingSafeEqual throw). The file is re-read when it changes, so `agent keys add` and
// `revoke` take effect on a running agent. A file that is malformed, or that other users could have
// written, is refused at start and ignored (the last good set kept) while running.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrivateFile } from '../data-dir.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { AgentStartupError } from '../startup-error.ts';

export type KeyRole = 'client' | 'admin';

export interface StoredKey {
  id: string;
  name: string;
  role: KeyRole;
  /** hex SHA-256 of the whole key. */
  sha256: string;
  createdAt: string;
  revokedAt?: string;
}

export const KEYS_FILE = 'api-keys.json';
const PREFIX = 'mlc';
const KEY_SHAPE = /^mlc_([0-9a-f]{12})_(.+)$/s;

/** The id and the secret part of a presented key (the secret may itself contain `_`). */
export function parseKey(key: string): { id: string; secret: string } | undefined {
  const found = KEY_SHAPE.exec(key);
  return found ? { id: found[1] ?? '', secret: found[2] ?? '' } : undefined;
}

function isStoredKey(value: unknown): value is StoredKey {
  const k = value as Partial<StoredKey> | null;
  return (
    typeof k === 'object' && k !== null &&
    typeof k.id === 'string' && /^[0-9a-f]{12}$/.test(k.id) &&
    typeof k.name === 'string' &&
    (k.role === 'client' || k.role === 'admin') &&
    typeof k.sha256 === 'string' && /^[0-9a-f]{64}$/.test(k.sha256) &&
    typeof k.createdAt === 'string' &&
    (k.revokedAt === undefined || typeof k.revokedAt === 'string')
  );
}

/** Parses and checks the keys file; throws AgentStartupError naming what is wrong. */
function parseKeysFile(file: string, text: string): StoredKey[] {
  const fix = `restore ${file} from a backup, or move it away and create keys again with 'ml-connector agent keys add'`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AgentStartupError(`${file} is not valid JSON (${(error as Error).message})`, fix);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new AgentStartupError(`${file} has no "keys" list`, fix);
  const bad = keys.findIndex((k) => !isStoredKey(k));
  if (bad >= 0) throw new AgentStartupError(`${file}: keys[${bad}] is not a valid key entry (id, name, role, sha256, createdAt)`, fix);
  return keys as StoredKey[];
}

export interface ApiKeyStoreOptions {
  /** Told once per bad version of the file that a running agent ignored (keeping the last good keys). */
  onRejectedReload?: (error: AgentStartupError) => void;
}

function hash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export class ApiKeyStore {
  private keys: StoredKey[] = [];
  /** mtime, size and inode of the file last read: a revoke must be seen even where mtime is coarse. */
  private loadedStamp = '';
  /** Stamp of a file version refused while running, so it is reported (and parsed) once. */
  private rejectedStamp = '';
  readonly file: string;

  /** Throws AgentStartupError when the file is malformed or others could have written it. */
  constructor(dataDir: string, private readonly options: ApiKeyStoreOptions = {}) {
    this.file = join(dataDir, KEYS_FILE);
    this.reload();
  }

  private reload(): void {
    if (!existsSync(this.file)) {
      this.keys = [];
      this.loadedStamp = '';
      return;
    }
    const stamp = this.stamp();
    if (stamp === this.loadedStamp) return;
    assertPrivateFile(this.file, 'the API keys file');
    this.keys = parseKeysFile(this.file, readFileSync(this.file, 'utf8'));
    this.loadedStamp = stamp;
  }

  private stamp(): string {
    const stat = statSync(this.file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}:${stat.mode}:${stat.uid}`;
  }

  private save(): void {
    writeFileAtomic(this.file, `${JSON.stringify({ keys: this.keys }, null, 2)}\n`, 0o600);
    this.loadedStamp = this.stamp();
  }

  /** Creates a key; the key itself is returned once and never stored. */
  add(name: string, role: KeyRole = 'client'): { id: string; key: string } {
    this.reload();
    const id = randomBytes(6).toString('hex');
    const key = `${PREFIX}_${id}_${randomBytes(32).toString('base64url')}`;
    this.keys.push({ id, name, role, sha256: hash(key).toString('hex'), createdAt: new Date().toISOString() });
    this.save();
    return { id, key };
  }

  list(): Array<Omit<StoredKey, 'sha256'>> {
    this.reload();
    return this.keys.map(({ sha256: _hash, ...rest }) => rest);
  }

  revoke(id: string): boolean {
    this.reload();
    const key = this.keys.find((k) => k.id === id && !k.revokedAt);
    if (!key) return false;
    key.revokedAt = new Date().toISOString();
    this.save();
    return true;
  }

  /** The active key matching `presented`, or undefined. Constant-time in the key's content. */
  verify(presented: string): StoredKey | undefined {
    try {
      if (!existsSync(this.file) || this.stamp() !== this.rejectedStamp) this.reload();
    } catch (error) {
      // A half-edited or tampered file must neither lock everyone out nor let anyone new in: keep
      // the last good set, and say so once per version of the file.
      try {
        this.rejectedStamp = this.stamp();
      } catch {
        // Gone between the two calls: the next request looks again.
      }
      const reason = error instanceof AgentStartupError ? error : new AgentStartupError(`${this.file} cannot be read (${(error as Error).message})`, 'check the file');
      this.options.onRejectedReload?.(reason);
    }
    const id = parseKey(presented)?.id;
    const candidate = this.keys.find((k) => k.id === id && !k.revokedAt);
    const expected = candidate ? Buffer.from(candidate.sha256, 'hex') : randomBytes(32);
    const matches = timingSafeEqual(hash(presented), expected);
    return matches && candidate ? candidate : undefined;
  }
}
