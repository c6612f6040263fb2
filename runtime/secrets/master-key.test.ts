import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, newKeyText, secretsScratch, writeKeyFile, type SecretsScratch } from './test-support.ts';
import { loadKeyRing, nextKeyFile } from './key-ring.ts';
import { keyId, parseMasterKey, readKeyFile } from './master-key.ts';

function errorOf(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('did not throw');
}

describe('master key', () => {
  const key = randomBytes(32);

  it.each([
    ['hex', key.toString('hex')],
    ['upper-case hex', key.toString('hex').toUpperCase()],
    ['base64', key.toString('base64')],
    ['base64url without padding', key.toString('base64url')],
    ['base64 with a trailing newline (a key file)', `${key.toString('base64')}\n`],
  ])('accepts %s', (_form, text) => {
    const parsed = parseMasterKey(text, 'test');
    expect(parsed.key.equals(key)).toBe(true);
    expect(parsed.id).toBe(keyId(key));
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), /decodes to 16 bytes/],
    ['33 bytes', randomBytes(33).toString('hex'), /decodes to 33 bytes/],
    ['a passphrase', 'correct horse battery staple', /neither hex nor base64/],
    ['base64 with a stray character', `${key.toString('base64').slice(0, 20)}!${key.toString('base64').slice(20)}`, /neither hex nor base64/],
  ])('refuses %s with MLC_SECRET_KEY_INVALID, without echoing it', (_what, text, message) => {
    const error = errorOf(() => parseMasterKey(text, 'ML_CONNECTOR_MASTER_KEY'));
    expect(error.code).toBe('MLC_SECRET_KEY_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('ML_CONNECTOR_MASTER_KEY');
    expect(error.message).not.toContain(text.trim().slice(0, 12));
  });

  it('gives different keys different ids, and the id does not contain the key', () => {
    const other = randomBytes(32);
    expect(keyId(key)).not.toBe(keyId(other));
    expect(key.toString('hex')).not.toContain(keyId(key));
  });
});

describe('key file and key ring', () => {
  let scratch: SecretsScratch;
  beforeEach(() => {
    scratch = secretsScratch();
  });
  afterEach(() => scratch.remove());

  it.each(['644', '640', '604', '660', '602'])('refuses a key file with mode %s (MLC_SECRET_KEY_FILE_MODE)', async (mode) => {
    writeKeyFile(scratch.path('master.key'), newKeyText(), Number.parseInt(mode, 8));
    expect(await codeOf(readKeyFile(scratch.path('master.key')))).toBe('MLC_SECRET_KEY_FILE_MODE');
  });

  it('reads a key file with mode 600 or 400', async () => {
    const text = writeKeyFile(scratch.path('a.key'), newKeyText(), 0o600);
    writeKeyFile(scratch.path('b.key'), text, 0o400);
    expect((await readKeyFile(scratch.path('a.key'))).id).toBe((await readKeyFile(scratch.path('b.key'))).id);
  });

  it('says the key is missing when the key file does not exist', async () => {
    expect(await codeOf(readKeyFile(scratch.path('nope.key')))).toBe('MLC_SECRET_KEY_MISSING');
  });

  it('has no ring without a key, and refuses a key given two ways', async () => {
    expect(await loadKeyRing({ env: {}, cwd: scratch.dir })).toBeUndefined();
    writeKeyFile(scratch.path('master.key'));
    const env = { ML_CONNECTOR_MASTER_KEY: newKeyText(), ML_CONNECTOR_MASTER_KEY_FILE: 'master.key' };
    expect(await codeOf(loadKeyRing({ env, cwd: scratch.dir }))).toBe('MLC_SECRET_KEY_INVALID');
    // An explicit --key-file settles it.
    const ring = await loadKeyRing({ env, cwd: scratch.dir, keyFile: scratch.path('master.key') });
    expect(ring?.current.source).toContain('master.key');
  });

  it("adds a key file's .next sibling and ML_CONNECTOR_MASTER_KEY_PREVIOUS as decrypt-only keys", async () => {
    writeKeyFile(scratch.path('master.key'));
    const next = writeKeyFile(nextKeyFile(scratch.path('master.key')));
    const previous = newKeyText('hex');
    const ring = await loadKeyRing({ env: { ML_CONNECTOR_MASTER_KEY_FILE: 'master.key', ML_CONNECTOR_MASTER_KEY_PREVIOUS: previous }, cwd: scratch.dir });
    expect(ring?.keys.map((k) => k.id)).toEqual([ring?.current.id, parseMasterKeyId(next), parseMasterKeyId(previous)]);
    expect(ring?.keyFile).toBe(scratch.path('master.key'));
  });
});

const parseMasterKeyId = (text: string): string => parseMasterKey(text, 'x').id;
