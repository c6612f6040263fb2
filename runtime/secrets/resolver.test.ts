import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, newKeyText, secretsScratch, type SecretsScratch } from './test-support.ts';
import type { ConnectorSecrets } from '../connectors/context.ts';
import { createSecretResolver, type SecretResolver } from './resolver.ts';

describe('secret resolution order', () => {
  let scratch: SecretsScratch;
  const key = newKeyText();
  beforeEach(() => {
    scratch = secretsScratch();
    mkdirSync(scratch.path('mounted'));
  });
  afterEach(() => scratch.remove());

  const resolverWith = (env: NodeJS.ProcessEnv = {}): SecretResolver =>
    createSecretResolver({ dataDir: scratch.path('data'), env: { ML_CONNECTOR_MASTER_KEY: key, ...env }, cwd: scratch.dir, secretsDir: scratch.path('mounted') });

  it('takes the store first, then ML_CONNECTOR_SECRET_<NAME>, then a file in the secrets directory', async () => {
    writeFileSync(scratch.path('mounted/api-key'), 'from-file\n');
    const env = { ML_CONNECTOR_SECRET_API_KEY: 'from-env' };
    expect(await createSecretResolver({ dataDir: scratch.path('data'), env: {}, cwd: scratch.dir, secretsDir: scratch.path('mounted') }).get('api-key')).toBe('from-file');
    expect(await resolverWith(env).get('api-key')).toBe('from-env');
    await resolverWith().store('api-key', 'from-store');
    expect(await resolverWith(env).get('api-key')).toBe('from-store');
  });

  it('treats an empty file, a file holding only a newline and an empty variable as no secret', async () => {
    writeFileSync(scratch.path('mounted/empty'), '');
    writeFileSync(scratch.path('mounted/newline'), '\n');
    const resolver = resolverWith({ ML_CONNECTOR_SECRET_BLANK: '' });
    for (const name of ['empty', 'newline', 'blank']) {
      expect(await resolver.has(name)).toBe(false);
      expect(await resolver.get(name)).toBeUndefined();
    }
  });

  it('does not fall back to a weaker source when the store has the name but cannot open it', async () => {
    await resolverWith().store('api-key', 'from-store');
    const noKey = createSecretResolver({ dataDir: scratch.path('data'), env: { ML_CONNECTOR_SECRET_API_KEY: 'from-env' }, cwd: scratch.dir });
    expect(await codeOf(noKey.get('api-key'))).toBe('MLC_SECRET_KEY_MISSING');
    expect(await noKey.has('api-key')).toBe(true);
    const wrongKey = createSecretResolver({ dataDir: scratch.path('data'), env: { ML_CONNECTOR_MASTER_KEY: newKeyText() }, cwd: scratch.dir });
    expect(await codeOf(wrongKey.get('api-key'))).toBe('MLC_SECRET_KEY_MISMATCH');
  });

  it('resolves every reference in a text in one pass, inserting values as they are', async () => {
    const resolver = resolverWith({ HOST: 'agent.local', ML_CONNECTOR_SECRET_TOKEN: '$& ${env:HOST} $1' });
    expect(await resolver.resolve('${secret:token}')).toBe('$& ${env:HOST} $1');
    expect(await resolver.resolve('https://${env:HOST}/?t=${secret:token}&h=${env:HOST}')).toBe('https://agent.local/?t=$& ${env:HOST} $1&h=agent.local');
    expect(await resolver.resolve('no references')).toBe('no references');
  });

  it.each([
    ['${secret:nowhere}', 'MLC_SECRET_MISSING'],
    ['${env:UNSET_VARIABLE}', 'MLC_ENV_UNSET'],
    ['${secert:typo}', 'MLC_SCHEMA_INVALID'],
    ['${secret:../etc/passwd}', 'MLC_SECRET_NAME_INVALID'],
  ])('refuses %s with %s', async (reference, code) => {
    expect(await codeOf(resolverWith().resolve(reference))).toBe(code);
  });

  it('never reads outside the secrets directory, and says where it looked', async () => {
    writeFileSync(scratch.path('outside'), 'value');
    const resolver = resolverWith();
    expect(await resolver.has('../outside')).toBe(false);
    expect(resolver.describe()).toBe(`the store ${scratch.path('data/secrets.json')}, then ML_CONNECTOR_SECRET_<NAME>, then ${scratch.path('mounted')}/<name>`);
  });

  it('is configured when a store file, a secrets directory or a secret variable exists', async () => {
    const bare = (env: NodeJS.ProcessEnv = {}): SecretResolver => createSecretResolver({ dataDir: scratch.path('data'), env, cwd: scratch.dir });
    expect(bare().configured()).toBe(false);
    expect(bare({ ML_CONNECTOR_SECRET_X: 'v' }).configured()).toBe(true);
    expect(resolverWith().configured()).toBe(true);
    await bare({ ML_CONNECTOR_MASTER_KEY: key }).store('x', 'v');
    expect(bare().configured()).toBe(true);
  });

  it('logs which source answered by name only', async () => {
    const lines: unknown[] = [];
    const log = { debug: (obj: unknown) => lines.push(obj), info: (obj: unknown) => lines.push(obj) };
    const resolver = createSecretResolver({ dataDir: scratch.path('data'), env: { ML_CONNECTOR_SECRET_TOKEN: 'the-value' }, cwd: scratch.dir, log });
    await resolver.get('token');
    expect(lines).toEqual([{ secret: 'token', from: 'env' }]);
  });
});

describe('the connector context', () => {
  it('takes the resolver as its secrets: a plain value comes back as it is, a reference resolved', async () => {
    const secrets: ConnectorSecrets = createSecretResolver({ dataDir: '/nonexistent', env: { ML_CONNECTOR_SECRET_TOKEN: 't' } });
    expect(await secrets.resolve('plain value')).toBe('plain value');
    expect(await secrets.resolve('${secret:token}')).toBe('t');
  });
});
