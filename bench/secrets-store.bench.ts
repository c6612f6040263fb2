// secrets-store: what the encrypted store costs at the size a deployment has (a few dozen secrets) and
// well past it: set one by one (each a durable write), resolve every one, rotate the key. In-process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedSecretStore } from '../runtime/secrets/encrypted-store.ts';
import { createSecretResolver } from '../runtime/secrets/resolver.ts';
import { rotateToGivenKey } from '../runtime/secrets/rotate-key.ts';
import { loadKeyRing } from '../runtime/secrets/key-ring.ts';
import { generateMasterKey, parseMasterKey } from '../runtime/secrets/master-key.ts';

const SECRETS = 200;
const since = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e6;

const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-secrets-'));
try {
  const env = { ML_CONNECTOR_MASTER_KEY: generateMasterKey().toString('base64') };
  const resolver = createSecretResolver({ dataDir: dir, env, cwd: dir });
  let started = process.hrtime.bigint();
  for (let i = 0; i < SECRETS; i++) await resolver.store(`secret-${i}`, `value-${i}-${'x'.repeat(40)}`);
  const setMs = since(started);
  started = process.hrtime.bigint();
  for (let i = 0; i < SECRETS; i++) await resolver.get(`secret-${i}`);
  const getMs = since(started);
  const ring = await loadKeyRing({ env, cwd: dir });
  if (!ring) throw new Error('no key');
  started = process.hrtime.bigint();
  const result = await rotateToGivenKey(new EncryptedSecretStore(join(dir, 'secrets.json')), ring, parseMasterKey(generateMasterKey().toString('hex'), 'new'));
  const rotateMs = since(started);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'secrets-store',
      secrets: SECRETS,
      setPerSecond: Math.round((SECRETS / setMs) * 1000),
      resolvePerSecond: Math.round((SECRETS / getMs) * 1000),
      rotateMs: Math.round(rotateMs),
      rotated: result.rewrapped,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
