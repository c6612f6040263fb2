// API keys: hashed at rest, revocation seen by a running agent even on a file system whose
// timestamps are too coarse to tell two writes apart.
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.ts';
import { ApiKeyStore, parseKey } from './keys.ts';

describe('API key store', () => {
  it('stores only a hash and refuses wrong, truncated and malformed keys', () => {
    const dir = tempDir();
    const store = new ApiKeyStore(dir.path);
    const { id, key } = store.add('runtime');
    // The whole secret part (it may contain '_'; split('_')[2] compared only a prefix of it).
    expect(readFileSync(store.file, 'utf8')).not.toContain(parseKey(key)?.secret);
    expect(store.verify(key)?.id).toBe(id);
    for (const wrong of [`${key}x`, key.slice(0, -1), 'mlc_', '', 'x'.repeat(10_000)]) expect(store.verify(wrong)).toBeUndefined();
    dir.remove();
  });

  it('a key revoked by another process (the CLI) stops working even when the file mtime did not change', () => {
    const dir = tempDir();
    const agent = new ApiKeyStore(dir.path);
    const cli = new ApiKeyStore(dir.path);
    // A FAT/SMB-style clock with whole-second timestamps: the revoke lands in the same tick as the add.
    const tick = 1_800_000_000;
    const { id, key } = cli.add('old');
    utimesSync(cli.file, tick, tick);
    expect(agent.verify(key)?.id).toBe(id);
    cli.revoke(id);
    utimesSync(cli.file, tick, tick);
    expect(statSync(cli.file).mtimeMs).toBe(tick * 1000);
    expect(agent.verify(key)).toBeUndefined();
    dir.remove();
  });
});
