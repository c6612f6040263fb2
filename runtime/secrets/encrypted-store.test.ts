import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, newKeyText, ringOf, secretsScratch, type SecretsScratch } from './test-support.ts';
import { EncryptedSecretStore } from './encrypted-store.ts';
import { readStore } from './store-file.ts';
import type { KeyRing } from './key-ring.ts';

const VALUES: Record<string, string> = {
  'bamboohr-client-secret': 'client-secret-value-1',
  'sage-agent-key': 'agent-key-value-22',
  'sage-agent-ca': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

describe('encrypted secret store', () => {
  let scratch: SecretsScratch;
  let store: EncryptedSecretStore;
  let ring: KeyRing;
  beforeEach(async () => {
    scratch = secretsScratch();
    store = new EncryptedSecretStore(join(scratch.dir, 'data', 'secrets.json'));
    ring = await ringOf(newKeyText());
  });
  afterEach(() => scratch.remove());

  async function fill(): Promise<void> {
    for (const [name, value] of Object.entries(VALUES)) await store.set(name, value, ring);
  }

  it('stores, lists, reads and deletes, keeping values out of the file', async () => {
    await fill();
    expect((await store.list()).map((l) => [l.name, l.keyId])).toEqual(Object.keys(VALUES).sort().map((n) => [n, ring.current.id]));
    for (const [name, value] of Object.entries(VALUES)) expect(await store.get(name, ring)).toBe(value);
    const file = readFileSync(store.path, 'utf8');
    for (const value of Object.values(VALUES)) {
      for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')]) expect(file).not.toContain(form);
    }
    expect(await store.delete('sage-agent-key')).toBe(true);
    expect(await store.delete('sage-agent-key')).toBe(false);
    expect(await store.get('sage-agent-key', ring)).toBeUndefined();
  });

  it('writes the file with mode 600 in a directory with mode 700', async () => {
    await fill();
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(scratch.dir, 'data')).mode & 0o777).toBe(0o700);
  });

  it('refuses a wrong master key with MLC_SECRET_KEY_MISMATCH and leaves the file as it was', async () => {
    await fill();
    const before = readFileSync(store.path);
    const wrong = await ringOf(newKeyText());
    expect(await codeOf(store.set('another', 'value', wrong))).toBe('MLC_SECRET_KEY_MISMATCH');
    expect(await codeOf(store.get('sage-agent-key', wrong))).toBe('MLC_SECRET_KEY_MISMATCH');
    expect(await codeOf(store.rewrap(wrong, wrong.current))).toBe('MLC_SECRET_KEY_MISMATCH');
    expect(readFileSync(store.path).equals(before)).toBe(true);
  });

  it('never returns a wrong value when any one byte of the file is flipped', async () => {
    await fill();
    const good = readFileSync(store.path);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < good.length; i += 1) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      writeFileSync(store.path, bad);
      for (const [name, value] of Object.entries(VALUES)) {
        let outcome: string;
        try {
          const read = await store.get(name, ring);
          outcome = read === value ? 'same' : read === undefined ? 'absent' : 'WRONG VALUE';
        } catch (error) {
          outcome = String((error as { code?: string }).code);
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
    expect(outcomes.get('WRONG VALUE')).toBeUndefined();
    expect(new Set(outcomes.keys())).toEqual(new Set(['same', 'absent', 'MLC_SECRET_CORRUPT', 'MLC_SECRET_KEY_MISMATCH']));
    expect(outcomes.get('MLC_SECRET_CORRUPT')).toBeGreaterThan(good.length);
  });

  it('fails authentication for the damaged entry only; the others still open', async () => {
    await fill();
    const doc = JSON.parse(readFileSync(store.path, 'utf8')) as { secrets: Record<string, { ct: string }> };
    const entry = doc.secrets['sage-agent-key'];
    if (!entry) throw new Error('no entry');
    const ct = Buffer.from(entry.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 0xff;
    entry.ct = ct.toString('base64');
    writeFileSync(store.path, JSON.stringify(doc));
    expect(await codeOf(store.get('sage-agent-key', ring))).toBe('MLC_SECRET_CORRUPT');
    expect(await store.get('bamboohr-client-secret', ring)).toBe(VALUES['bamboohr-client-secret']);
  });

  it('keeps every one of many concurrent writes from one process', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`token-${i}`, `value-${i}`, ring)));
    expect(await store.list()).toHaveLength(20);
    expect(await store.get('token-13', ring)).toBe('value-13');
  });

  it.each(['', '.hidden', '../escape', 'a/b', 'with space', '-dash-first', 'x'.repeat(129), 'naïve'])('refuses the name %j (MLC_SECRET_NAME_INVALID)', async (name) => {
    expect(await codeOf(store.set(name, 'value', ring))).toBe('MLC_SECRET_NAME_INVALID');
  });

  it('reports a file that is not a store, or of another version, as corrupt', async () => {
    await fill();
    writeFileSync(store.path, JSON.stringify({ format: 'ml-connector-secrets', version: 2, secrets: {} }));
    expect(await codeOf(store.list())).toBe('MLC_SECRET_CORRUPT');
    writeFileSync(store.path, '[]');
    expect(await codeOf(store.get('x', ring))).toBe('MLC_SECRET_CORRUPT');
  });

  it('reads the file again only when it changed, and sees every change made meanwhile (this process or another)', async () => {
    await fill();
    let reads = 0;
    const counted = new EncryptedSecretStore(store.path, undefined, (path) => {
      reads++;
      return readStore(path);
    });
    for (let i = 0; i < 5; i++) expect(await counted.get('sage-agent-key', ring)).toBe(VALUES['sage-agent-key']);
    expect(await counted.has('bamboohr-client-secret')).toBe(true);
    expect(reads).toBe(1);
    // Another store object on the same file stands for `secrets set` run by another process.
    await store.set('sage-agent-key', 'rotated-key-value', ring);
    expect(await counted.get('sage-agent-key', ring)).toBe('rotated-key-value');
    expect(reads).toBe(2);
    await counted.set('sage-agent-key', 'rotated-again', ring);
    expect(await counted.get('sage-agent-key', ring)).toBe('rotated-again');
    await store.delete('sage-agent-key');
    expect(await counted.get('sage-agent-key', ring)).toBeUndefined();
    expect(await counted.has('sage-agent-key')).toBe(false);
  });
});
