// A rotation killed at any of its named points (SIGKILL, no clean-up) leaves every secret readable,
// and running rotate-key again finishes it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.ts';
import { codeOf, newKeyText, secretsScratch, writeKeyFile, type SecretsScratch } from '../../runtime/secrets/test-support.ts';
import type { CrashPoint } from '../../runtime/secrets/crash-point.ts';
import { EncryptedSecretStore } from '../../runtime/secrets/encrypted-store.ts';
import { loadKeyRing, nextKeyFile } from '../../runtime/secrets/key-ring.ts';
import { parseMasterKey } from '../../runtime/secrets/master-key.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';

const VALUES = { alpha: 'alpha-value', beta: 'beta-value', gamma: 'gamma-value' };

function killedAt(point: CrashPoint, args: string[], env: NodeJS.ProcessEnv, cwd: string): void {
  const child = spawnSync(process.execPath, [`${repoRoot}bin/ml-connector.mjs`, 'secrets', 'rotate-key', ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env, ML_CONNECTOR_CRASH_AT: point },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.signal, child.stderr).toBe('SIGKILL');
}

describe('rotate-key', () => {
  let scratch: SecretsScratch;
  beforeEach(() => {
    scratch = secretsScratch();
  });
  afterEach(() => scratch.remove());

  async function readAll(env: NodeJS.ProcessEnv): Promise<Record<string, string | undefined>> {
    const resolver = createSecretResolver({ dataDir: scratch.path('data'), env, cwd: scratch.dir });
    const out: Record<string, string | undefined> = {};
    for (const name of Object.keys(VALUES)) out[name] = await resolver.get(name);
    return out;
  }

  async function seed(env: NodeJS.ProcessEnv): Promise<void> {
    const resolver = createSecretResolver({ dataDir: scratch.path('data'), env, cwd: scratch.dir });
    for (const [name, value] of Object.entries(VALUES)) await resolver.store(name, value);
  }

  const keyIds = async (): Promise<string[]> => [...new Set((await new EncryptedSecretStore(scratch.path('data/secrets.json')).list()).map((l) => l.keyId ?? '?'))];

  it.each<CrashPoint>(['rotate:next-key-written', 'store:before-rename', 'rotate:store-written'])(
    'with a key file: killed at %s, every secret stays readable and a second run completes',
    async (point) => {
      const env = { ML_CONNECTOR_MASTER_KEY_FILE: 'master.key' };
      const oldKey = parseMasterKey(writeKeyFile(scratch.path('master.key')), 'old');
      await seed(env);
      killedAt(point, ['--data', 'data'], env, scratch.dir);
      expect(existsSync(nextKeyFile(scratch.path('master.key')))).toBe(true);
      expect(await readAll(env)).toEqual(VALUES);

      const again = await runCli(['secrets', 'rotate-key', '--data', 'data'], { cwd: scratch.dir, env });
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(existsSync(nextKeyFile(scratch.path('master.key')))).toBe(false);
      expect(readdirSync(scratch.path('data'))).toEqual(['secrets.json']);
      const newKey = parseMasterKey(readFileSync(scratch.path('master.key'), 'utf8'), 'new');
      expect(newKey.id).not.toBe(oldKey.id);
      expect(await keyIds()).toEqual([newKey.id]);
      expect(await readAll(env)).toEqual(VALUES);
    },
  );

  it.each<CrashPoint>(['store:before-rename', 'rotate:store-written'])(
    'with the new key given: killed at %s, the old and new keys together read everything, and a second run completes',
    async (point) => {
      const oldKey = newKeyText();
      const newKey = newKeyText('hex');
      await seed({ ML_CONNECTOR_MASTER_KEY: oldKey });
      const env = { ML_CONNECTOR_MASTER_KEY: oldKey, ML_CONNECTOR_NEW_MASTER_KEY: newKey };
      killedAt(point, ['--data', 'data'], env, scratch.dir);
      expect(await readAll({ ML_CONNECTOR_MASTER_KEY: newKey, ML_CONNECTOR_MASTER_KEY_PREVIOUS: oldKey })).toEqual(VALUES);

      const again = await runCli(['secrets', 'rotate-key', '--data', 'data'], { cwd: scratch.dir, env });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/ML_CONNECTOR_MASTER_KEY_PREVIOUS/);
      expect(await keyIds()).toEqual([parseMasterKey(newKey, 'new').id]);
      expect(await readAll({ ML_CONNECTOR_MASTER_KEY: newKey })).toEqual(VALUES);
      expect(await codeOf(readAll({ ML_CONNECTOR_MASTER_KEY: oldKey }))).toBe('MLC_SECRET_KEY_MISMATCH');
    },
  );

  it('refuses a store its key cannot read before making a new key, and changes nothing', async () => {
    await seed({ ML_CONNECTOR_MASTER_KEY: newKeyText() });
    writeKeyFile(scratch.path('other.key'));
    const before = readFileSync(scratch.path('data/secrets.json'));
    const run = await runCli(['secrets', 'rotate-key', '--data', 'data', '--key-file', 'other.key'], { cwd: scratch.dir, env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/MLC_SECRET_KEY_MISMATCH: secret 'alpha' .* key id [0-9a-f]{16}/);
    expect(existsSync(nextKeyFile(scratch.path('other.key')))).toBe(false);
    expect(readFileSync(scratch.path('data/secrets.json')).equals(before)).toBe(true);
  });

  it('needs the new key when the current one comes from the environment', async () => {
    const run = await runCli(['secrets', 'rotate-key', '--data', 'data'], { cwd: scratch.dir, env: { ML_CONNECTOR_MASTER_KEY: newKeyText() } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--new-key-file FILE or ML_CONNECTOR_NEW_MASTER_KEY/);
  });

  it('a key ring loaded before the rotation still reads the store after it (the reader reloads its keys)', async () => {
    const env = { ML_CONNECTOR_MASTER_KEY_FILE: 'master.key' };
    writeKeyFile(scratch.path('master.key'));
    await seed(env);
    const resolver = createSecretResolver({ dataDir: scratch.path('data'), env, cwd: scratch.dir });
    expect(await resolver.get('alpha')).toBe(VALUES.alpha);
    expect((await runCli(['secrets', 'rotate-key', '--data', 'data'], { cwd: scratch.dir, env })).code).toBe(0);
    expect(await resolver.get('beta')).toBe(VALUES.beta);
    expect((await loadKeyRing({ env, cwd: scratch.dir }))?.keys).toHaveLength(1);
  });
});
