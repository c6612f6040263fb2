// Issue 16, finding 4: file modes must not follow the umask, and files that other users could have
// written (or read, for secrets) are refused with the fix. POSIX mode bits only; Windows uses ACLs.
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiKeyStore, KEYS_FILE } from './auth/keys.ts';
import { ensurePrivateDir } from './data-dir.ts';
import { startAgent } from './index.ts';
import { AgentStartupError } from './startup-error.ts';
import { tempDir } from './test-support.ts';

const posix = process.platform !== 'win32';
const mode = (path: string): number => statSync(path).mode & 0o777;

describe.runIf(posix)('the data directory', () => {
  it('is created 0700 with 0600 files even under umask 000', async () => {
    const parent = tempDir();
    const dir = join(parent.path, 'data');
    const previous = process.umask(0);
    try {
      const agent = await startAgent({ backend: 'sim', dataDir: dir, port: 0 });
      agent.keys.add('runtime');
      await agent.close(500);
    } finally {
      process.umask(previous);
    }
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'sim'))).toBe(0o700);
    for (const name of ['agent-key.pem', KEYS_FILE, 'idempotency.jsonl', join('sim', 'sage100-sim.json')]) expect(mode(join(dir, name)), name).toBe(0o600);
    parent.remove();
  });

  it('refuses to start in a directory others can write, or with a keys file others can read, saying how to fix it', async () => {
    const dir = tempDir();
    chmodSync(dir.path, 0o777);
    await expect(startAgent({ backend: 'sim', dataDir: dir.path, port: 0 })).rejects.toThrow(expect.objectContaining({ fix: `chmod 700 '${dir.path}'` }));
    chmodSync(dir.path, 0o700);
    writeFileSync(join(dir.path, KEYS_FILE), '{"keys":[]}', { mode: 0o666 });
    chmodSync(join(dir.path, KEYS_FILE), 0o666);
    await expect(startAgent({ backend: 'sim', dataDir: dir.path, port: 0 })).rejects.toThrow(/can be read or written by other users/);
    dir.remove();
  });

  it('refuses a malformed keys file at start instead of answering 500 to every request', async () => {
    const dir = tempDir();
    for (const content of ['{', '{}', '{"keys":[{"id":"x"}]}', '[]']) {
      writeFileSync(join(dir.path, KEYS_FILE), content, { mode: 0o600 });
      const refused = startAgent({ backend: 'sim', dataDir: dir.path, port: 0 });
      await expect(refused, content).rejects.toBeInstanceOf(AgentStartupError);
      await expect(refused, content).rejects.toThrow(/api-keys\.json/);
    }
    dir.remove();
  });

  it('a running agent ignores a keys file that another user replaced, keeping the keys it had', () => {
    const variants: Array<{ name: string; mode: number; uid?: number }> = [{ name: 'world-writable', mode: 0o666 }];
    // Only root can hand a file to another user; that variant runs where the tests run as root.
    if (process.getuid?.() === 0) variants.push({ name: 'owned by another user', mode: 0o600, uid: 4242 });
    for (const variant of variants) {
      const dir = tempDir();
      const rejected: string[] = [];
      const agent = new ApiKeyStore(dir.path, { onRejectedReload: (error) => rejected.push(error.message) });
      const { key } = agent.add('runtime');
      const elsewhere = tempDir();
      const theirs = new ApiKeyStore(elsewhere.path);
      const { key: intruderKey } = theirs.add('intruder', 'admin');
      const planted = `${agent.file}.planted`;
      writeFileSync(planted, readFileSync(theirs.file));
      chmodSync(planted, variant.mode);
      if (variant.uid !== undefined) chownSync(planted, variant.uid, variant.uid);
      renameSync(planted, agent.file);
      expect(agent.verify(intruderKey), variant.name).toBeUndefined();
      expect(agent.verify(key)?.name, variant.name).toBe('runtime');
      expect(rejected, variant.name).toHaveLength(1);
      dir.remove();
      elsewhere.remove();
    }
  });

  it('sweeps temp files left by a crashed writer', () => {
    const dir = tempDir();
    ensurePrivateDir(dir.path);
    mkdirSync(join(dir.path, 'sim'), { mode: 0o700 });
    writeFileSync(join(dir.path, `${KEYS_FILE}.999999999.tmp`), 'torn');
    return startAgent({ backend: 'sim', dataDir: dir.path, port: 0 }).then(async (agent) => {
      expect(readdirSync(dir.path).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      await agent.close(500);
      dir.remove();
    });
  });
});
