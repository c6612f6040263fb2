// API keys. Only a SHA-256 hash of each key is stored (keys are 256-bit random, so a fast hash is
// enough: there is nothing to brute-force). Presented keys are hashed and compared with
// timingSafeEqual on the fixed-length hashes, never on the raw strings (whose lengths differ and
// would make timingSafeEqual throw). The file is re-read when it changes, so `agent keys add` and
// `revoke` take effect on a running agent.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.ts';

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

function hash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export class ApiKeyStore {
  private keys: StoredKey[] = [];
  /** mtime, size and inode of the file last read: a revoke must be seen even where mtime is coarse. */
  private loadedStamp = '';
  readonly file: string;

  constructor(dataDir: string) {
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
    this.keys = (JSON.parse(readFileSync(this.file, 'utf8')) as { keys: StoredKey[] }).keys;
    this.loadedStamp = stamp;
  }

  private stamp(): string {
    const stat = statSync(this.file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
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
      this.reload();
    } catch {
      // A half-edited file must not lock everyone out: keep the last good set.
    }
    const id = /^mlc_([0-9a-f]{12})_/.exec(presented)?.[1];
    const candidate = this.keys.find((k) => k.id === id && !k.revokedAt);
    const expected = candidate ? Buffer.from(candidate.sha256, 'hex') : randomBytes(32);
    const matches = timingSafeEqual(hash(presented), expected);
    return matches && candidate ? candidate : undefined;
  }
}
