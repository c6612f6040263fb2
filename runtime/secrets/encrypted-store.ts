// The encrypted secret store: list, get, set, delete and re-encrypt under a new key. Every refusal
// (wrong key, damaged entry, bad name) happens before anything is written, so the file is untouched.
import { existsSync, statSync } from 'node:fs';
import { asEnvelope, mismatch, open, seal } from './envelope.ts';
import type { KeyRing } from './key-ring.ts';
import type { MasterKey } from './master-key.ts';
import { checkSecretName } from './secret-rules.ts';
import { readStore as readStoreFile, updateStore, type StoreDocument } from './store-file.ts';

export interface SecretListing {
  name: string;
  /** Undefined when the entry is not well formed (then `get` reports it as corrupt). */
  keyId?: string;
  updated?: string;
}

export interface RewrapResult {
  /** Entries re-encrypted under the new key. */
  rewrapped: number;
  /** Entries that were already under it (an earlier rotation was interrupted after writing the store). */
  already: number;
}

export class EncryptedSecretStore {
  /** The document last read and the file it came from (inode, size, mtime). */
  private cached: { stamp: string; doc: StoreDocument } | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
    private readonly readFile: (path: string) => Promise<StoreDocument> = readStoreFile,
  ) {}

  /**
   * The store as it is on disk now, read again only when the file is another one than last time:
   * every write renames a new file in (a new inode), and an edit in place changes size or mtime. A
   * secret is still looked up at each use (so `secrets set` takes effect at once), but a long-running
   * process no longer reads and parses the whole file twice per lookup: a sink that looks its key
   * up before every request, and those reads queued behind the store's fsyncs on the I/O thread pool
   * (5–50 ms per request under load). statSync: one cheap system call that does not queue there.
   */
  private async readStore(): Promise<StoreDocument> {
    const path = this.path;
    let stamp: string;
    try {
      const stats = statSync(path);
      stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
      // No file (an empty store) or unreadable: the reader answers or reports it, uncached.
      this.cached = undefined;
      return this.readFile(path);
    }
    if (this.cached?.stamp === stamp) return this.cached.doc;
    const doc = await this.readFile(path);
    // Replaced between the stat and the read: kept under the older stamp, so the next lookup reads again.
    this.cached = { stamp, doc };
    return doc;
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  /** Names, key ids and update times; needs no key and never decrypts. */
  async list(): Promise<SecretListing[]> {
    const doc = await this.readStore();
    return Object.entries(doc.secrets)
      .map(([name, raw]) => {
        const envelope = asEnvelope(raw);
        return envelope ? { name, keyId: envelope.kid, updated: envelope.updated } : { name };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async has(name: string): Promise<boolean> {
    return Object.hasOwn((await this.readStore()).secrets, name);
  }

  async get(name: string, ring: KeyRing): Promise<string | undefined> {
    const doc = await this.readStore();
    if (!Object.hasOwn(doc.secrets, name)) return undefined;
    return open(name, doc.secrets[name], ring, this.path);
  }

  /** Opens every entry, so a command can refuse before it changes anything (e.g. before making a new key). */
  async checkReadable(ring: KeyRing): Promise<number> {
    const doc = await this.readStore();
    for (const [name, raw] of Object.entries(doc.secrets)) open(name, raw, ring, this.path);
    return Object.keys(doc.secrets).length;
  }

  async set(name: string, value: string, ring: KeyRing): Promise<void> {
    checkSecretName(name);
    await updateStore(this.path, (doc) => {
      this.refuseForeignKeys(doc, ring);
      return { ...doc, secrets: { ...doc.secrets, [name]: seal(name, value, ring.current, this.now().toISOString()) } };
    });
  }

  /** True when it was there. Needs no key: removing an entry reveals nothing. */
  async delete(name: string): Promise<boolean> {
    checkSecretName(name);
    let found = false;
    await updateStore(this.path, (doc) => {
      found = Object.hasOwn(doc.secrets, name);
      if (!found) return undefined;
      const { [name]: _removed, ...rest } = doc.secrets;
      return { ...doc, secrets: rest };
    });
    return found;
  }

  /**
   * Re-encrypts every entry under `next` in one write. Every entry is opened first (entries already under
   * `next` too, to prove the key), so a store this ring cannot fully read is refused untouched.
   */
  async rewrap(ring: KeyRing, next: MasterKey): Promise<RewrapResult> {
    const result: RewrapResult = { rewrapped: 0, already: 0 };
    await updateStore(this.path, (doc) => {
      result.rewrapped = 0;
      result.already = 0;
      const secrets: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(doc.secrets)) {
        const value = open(name, raw, ring, this.path);
        const envelope = asEnvelope(raw);
        if (envelope?.kid === next.id) {
          secrets[name] = raw;
          result.already += 1;
        } else {
          // The update time is the value's, not the key's: it is kept (and re-bound under the new key).
          secrets[name] = seal(name, value, next, envelope?.updated ?? this.now().toISOString());
          result.rewrapped += 1;
        }
      }
      return result.rewrapped === 0 ? undefined : { ...doc, secrets };
    });
    return result;
  }

  /** A store whose entries this ring cannot open is not written to: the result would need two keys nobody has together. */
  private refuseForeignKeys(doc: StoreDocument, ring: KeyRing): void {
    for (const [name, raw] of Object.entries(doc.secrets)) {
      const kid = asEnvelope(raw)?.kid;
      if (kid !== undefined && !ring.keys.some((k) => k.id === kid)) throw mismatch(name, kid, ring, this.path);
    }
  }
}
