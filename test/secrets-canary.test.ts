// A secret's value never shows: not in the process's argv or environment, not in any command's output or
// error message (every format, every failure), not in logs at trace level, not in the files on disk.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../runtime/lib/log.ts';
import { createSecretResolver } from '../runtime/secrets/resolver.ts';
import { repoRoot } from './support/cli.ts';
import { exampleFixture, type Fixture } from './support/fixture.ts';
import { newKeyText } from '../runtime/secrets/test-support.ts';
import { runSecretsCli } from './support/secrets-cli.ts';

const canary = (): string => `canary-${randomBytes(12).toString('hex')}`;

/** The value and the encodings a careless writer might use for it. */
const forms = (value: string): string[] => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')];

function expectNoCanary(text: string, canaries: string[], where: string): void {
  for (const value of canaries) for (const form of forms(value)) expect(text.includes(form), `${where} holds a secret`).toBe(false);
}

describe('secrets canary', () => {
  let fixture: Fixture;
  let canaries: { store: string; env: string; file: string };
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    fixture = exampleFixture();
    canaries = { store: canary(), env: canary(), file: canary() };
    mkdirSync(fixture.path('mounted'));
    writeFileSync(fixture.path('mounted/bamboohr-refresh-token'), canaries.file);
    env = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'trace',
      ML_CONNECTOR_MASTER_KEY: newKeyText(),
      ML_CONNECTOR_SECRETS_DIR: 'mounted',
      ML_CONNECTOR_SECRET_BAMBOOHR_WEBHOOK_KEY: canaries.env,
    };
  });
  afterEach(() => fixture.remove());

  const all = (): string[] => [canaries.store, canaries.env, canaries.file];

  it('is not in the argv or environment of `secrets set` while it reads the value', async () => {
    if (!existsSync('/proc/self/cmdline')) return;
    const child = spawn(process.execPath, [`${repoRoot}bin/ml-connector.mjs`, 'secrets', 'set', 'sage-agent-key'], { cwd: fixture.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    child.stdin.write(canaries.store);
    const seen = [`/proc/${child.pid}/cmdline`, `/proc/${child.pid}/environ`].map((f) => readFileSync(f, 'latin1')).join('\n');
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(seen).toContain('sage-agent-key');
    // The environment holds the ML_CONNECTOR_SECRET_<NAME> one by design; argv holds none.
    expectNoCanary(seen, [canaries.store], 'the process argv/environment');
    expectNoCanary(readFileSync(`/proc/${process.pid}/cmdline`, 'latin1'), all(), 'the test runner argv');
  });

  it('is not in any command output, error message or file on disk', async () => {
    const outputs: string[] = [];
    /** Runs in-process (the real process is covered above and by the command's own tests); keeps the output. */
    const status = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}, stdin?: string): Promise<number> => {
      const run = await runSecretsCli(args, { cwd: fixture.dir, env: { ...env, ...extraEnv }, ...(stdin === undefined ? {} : { stdin }) });
      outputs.push(run.stdout, run.stderr);
      return run.code;
    };
    expect(await status(['secrets', 'set', 'sage-agent-key'], {}, canaries.store)).toBe(0);
    expect(await status(['secrets', 'set', 'bamboohr-client-secret'], {}, canary())).toBe(0);
    expect(await status(['secrets', 'set', 'sage-agent-ca'], {}, canary())).toBe(0);
    await status(['secrets', 'list']);
    await status(['secrets', 'list', '--format', 'json']);
    for (const format of ['text', 'json', 'github']) expect(await status(['validate', '--format', format, 'pipelines'])).toBe(0);
    // Every failure path: a value on argv, a wrong key, a short key, a damaged store, a missing secret.
    expect(await status(['secrets', 'set', 'x', canaries.store])).toBe(2);
    expect(await status(['secrets', 'set', 'x'], { ML_CONNECTOR_MASTER_KEY: newKeyText() }, 'v')).toBe(1);
    expect(await status(['secrets', 'rotate-key'], { ML_CONNECTOR_NEW_MASTER_KEY: 'c2hvcnQ=' })).toBe(1);
    const rotated = newKeyText();
    expect(await status(['secrets', 'rotate-key'], { ML_CONNECTOR_NEW_MASTER_KEY: rotated })).toBe(0);
    env.ML_CONNECTOR_MASTER_KEY = rotated;
    const storePath = fixture.path('.ml-connector/secrets.json');
    writeFileSync(storePath, readFileSync(storePath, 'utf8').replace(/"ct": "(.)/g, (_m, c: string) => `"ct": "${c === 'A' ? 'B' : 'A'}`));
    expect(await status(['secrets', 'rotate-key'], { ML_CONNECTOR_NEW_MASTER_KEY: newKeyText() })).toBe(1);
    expect(await status(['validate', '--format', 'json', 'pipelines'], { ML_CONNECTOR_SECRETS_DIR: '' })).toBe(1);
    expect(outputs.join('\n')).toMatch(/MLC_SECRET_KEY_MISMATCH[\s\S]*MLC_SECRET_KEY_INVALID[\s\S]*MLC_SECRET_CORRUPT/);
    expectNoCanary(outputs.join('\n'), all(), 'command output');
    const onDisk = readdirSync(fixture.path('.ml-connector')).map((f) => readFileSync(join(fixture.path('.ml-connector'), f), 'latin1'));
    expectNoCanary(onDisk.join('\n'), all(), 'the data directory');
  });

  it('is not in trace-level logs or in the messages of resolution errors', async () => {
    const lines: string[] = [];
    const log = createLogger({ name: 'canary', level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    const options = { dataDir: fixture.path('data'), env, cwd: fixture.dir, secretsDir: fixture.path('mounted'), log };
    const resolver = createSecretResolver(options);
    await resolver.store('sage-agent-key', canaries.store);
    expect(await resolver.resolve('Bearer ${secret:sage-agent-key}')).toBe(`Bearer ${canaries.store}`);
    expect(await resolver.get('bamboohr-webhook-key')).toBe(canaries.env);
    expect(await resolver.get('bamboohr-refresh-token')).toBe(canaries.file);
    const messages: string[] = [];
    for (const attempt of [
      () => createSecretResolver({ ...options, env: { ML_CONNECTOR_MASTER_KEY: newKeyText() } }).get('sage-agent-key'),
      () => createSecretResolver({ ...options, env: { ML_CONNECTOR_MASTER_KEY: canaries.store } }).get('sage-agent-key'),
      () => resolver.resolve('${secret:absent} ${secret:sage-agent-key}'),
    ]) {
      await attempt().then(
        () => messages.push('resolved'),
        (error: Error) => messages.push(`${error.message} ${String(error.cause ?? '')}`),
      );
    }
    expect(messages.every((m) => m !== 'resolved')).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
    expectNoCanary([...lines, ...messages].join('\n'), all(), 'logs and error messages');
  });
});
