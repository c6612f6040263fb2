import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, type CliRun } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';
import { newKeyText, writeKeyFile } from '../../runtime/secrets/test-support.ts';
import { runSecretsCli } from '../support/secrets-cli.ts';

describe('ml-connector secrets', () => {
  let fixture: Fixture;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    fixture = exampleFixture();
    env = { ML_CONNECTOR_MASTER_KEY: newKeyText() };
  });
  afterEach(() => fixture.remove());

  const run = (args: string[], options: { stdin?: string | Buffer; tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> =>
    runSecretsCli(args, { ...options, cwd: fixture.dir, env: options.env ?? env });
  const storeFile = (): string => readFileSync(fixture.path('.ml-connector/secrets.json'), 'utf8');

  it('sets from stdin (one trailing newline dropped) and lists names, never values', async () => {
    expect((await run(['secrets', 'set', 'demo-key'], { stdin: 'the-value\n' })).code).toBe(0);
    const list = await run(['secrets', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^name +key id +updated\ndemo-key +[0-9a-f]{16} +\d{4}-\d\d-\d\dT/);
    expect(list.stdout + storeFile()).not.toContain('the-value');
    const json = JSON.parse((await run(['secrets', 'list', '--format', 'json'])).stdout) as { secrets: { name: string }[] };
    expect(json.secrets.map((s) => s.name)).toEqual(['demo-key']);
    expect(statSync(fixture.path('.ml-connector')).mode & 0o777).toBe(0o700);
  });

  it('sets from --from-file and honours --data and ML_CONNECTOR_DATA', async () => {
    writeFileSync(fixture.path('value.txt'), 'from a file');
    expect((await run(['secrets', 'set', 'a', '--from-file', 'value.txt', '--data', 'state'])).code).toBe(0);
    expect((await run(['secrets', 'list'], { env: { ...env, ML_CONNECTOR_DATA: 'state' } })).stdout).toMatch(/^a /m);
    expect((await run(['secrets', 'list'])).stdout).toMatch(/^no secrets in /);
  });

  it('refuses a value on the command line without echoing it (exit 2)', async () => {
    const result = await run(['secrets', 'set', 'demo-key', 'hunter2-canary']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/never from the command line/);
    expect(result.stdout + result.stderr).not.toContain('hunter2-canary');
  });

  it.each([
    ['a terminal on stdin', { tty: true }, /pipe it in/],
    ['an empty value', { stdin: '\n' }, /is empty/],
    ['bytes that are not UTF-8', { stdin: Buffer.from([0x70, 0xff, 0x71]) }, /not UTF-8/],
  ])('refuses %s as a usage mistake', async (_what, options, message) => {
    const result = await run(['secrets', 'set', 'demo-key'], options);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 1 with a clear message naming the key id when the master key is not the store\'s, leaving the file untouched', async () => {
    await run(['secrets', 'set', 'demo-key'], { stdin: 'v' });
    const before = storeFile();
    const result = await run(['secrets', 'set', 'other'], { stdin: 'w', env: { ML_CONNECTOR_MASTER_KEY: newKeyText() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ml-connector secrets set: error MLC_SECRET_KEY_MISMATCH: secret 'demo-key' .* is encrypted under key id [0-9a-f]{16}, but the master key given has key id [0-9a-f]{16}/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(storeFile()).toBe(before);
  });

  it.each([
    ['missing', {}, 'MLC_SECRET_KEY_MISSING'],
    ['of the wrong length', { ML_CONNECTOR_MASTER_KEY: 'c2hvcnQ=' }, 'MLC_SECRET_KEY_INVALID'],
  ])('exits 1 when the master key is %s', async (_what, keyEnv, code) => {
    const result = await run(['secrets', 'set', 'demo-key'], { stdin: 'v', env: keyEnv });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(code);
  });

  it('refuses a key file readable by others (exit 1)', async () => {
    writeKeyFile(fixture.path('master.key'), newKeyText(), 0o644);
    const result = await run(['secrets', 'set', 'demo-key', '--key-file', 'master.key'], { stdin: 'v', env: {} });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/MLC_SECRET_KEY_FILE_MODE: .* mode 644/);
  });

  it('refuses an invalid name (exit 1)', async () => {
    const result = await run(['secrets', 'set', '../escape'], { stdin: 'v' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MLC_SECRET_NAME_INVALID');
  });

  it('deletes, and says so when there was nothing to delete', async () => {
    await run(['secrets', 'set', 'demo-key'], { stdin: 'v' });
    expect((await run(['secrets', 'delete', 'demo-key'])).code).toBe(0);
    const again = await run(['secrets', 'delete', 'demo-key']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('MLC_SECRET_MISSING');
  });

  it('init-key writes a mode 600 key file the store accepts, and never replaces one', async () => {
    const made = await run(['secrets', 'init-key', '--key-file', 'master.key'], { env: {} });
    expect(made.code).toBe(0);
    expect(statSync(fixture.path('master.key')).mode & 0o777).toBe(0o600);
    expect((await run(['secrets', 'set', 'k', '--key-file', 'master.key'], { stdin: 'v', env: {} })).code).toBe(0);
    expect((await run(['secrets', 'init-key', '--key-file', 'master.key'], { env: {} })).code).toBe(2);
  });

  it('suggests the subcommand meant', async () => {
    const result = await run(['secrets', 'lst']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'list'?");
  });

  it('validate reports a damaged store as MLC_SECRET_CORRUPT (exit 1, no stack trace)', async () => {
    await run(['secrets', 'set', 'demo-key'], { stdin: 'v' });
    writeFileSync(fixture.path('.ml-connector/secrets.json'), '{"format": "ml-connector-secrets", "version": 1, "secrets": [');
    const result = await run(['validate', 'pipelines'], { env: {} });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ml-connector validate: error MLC_SECRET_CORRUPT: secret store .* is not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate finds secrets set in the store, and reports the ones that are not', async () => {
    for (const name of ['bamboohr-client-secret', 'bamboohr-refresh-token', 'bamboohr-webhook-key', 'sage-agent-ca']) {
      expect((await run(['secrets', 'set', name], { stdin: `${name}-value` })).code).toBe(0);
    }
    const missing = await run(['validate', '--format', 'json', 'pipelines'], { env: {} });
    expect(missing.code).toBe(1);
    const report = JSON.parse(missing.stdout) as { diagnostics: { code: string; message: string; hint?: string }[] };
    expect(report.diagnostics.map((d) => [d.code, d.message])).toEqual([['MLC_SECRET_MISSING', "secret 'sage-agent-key' is not stored"]]);
    expect(report.diagnostics[0]?.hint).toContain('.ml-connector/secrets.json, then ML_CONNECTOR_SECRET_SAGE_AGENT_KEY');
    const ok = await run(['validate', 'pipelines'], { env: { ML_CONNECTOR_SECRET_SAGE_AGENT_KEY: 'v' } });
    expect(ok.stdout).toBe('ok: 1 file valid\n');
    expect(fixture.read(EXAMPLE_PIPELINE)).toContain('${secret:sage-agent-key}');
  });
});

describe('ml-connector secrets as a real process', () => {
  it('printf v | secrets set demo-key, then secrets list', async () => {
    const fixture = exampleFixture();
    try {
      const env = { PATH: process.env.PATH, ML_CONNECTOR_MASTER_KEY: newKeyText('hex') };
      const cli = (args: string[], input?: string) => spawnSync(process.execPath, [`${repoRoot}bin/ml-connector.mjs`, 'secrets', ...args], { cwd: fixture.dir, env, input, encoding: 'utf8', timeout: 60_000 });
      const set = cli(['set', 'demo-key'], 'v');
      expect(set.stderr).toBe('');
      expect(set.status).toBe(0);
      // Listing in-process is enough: one process start is the slow part of this test.
      const list = await runSecretsCli(['secrets', 'list'], { cwd: fixture.dir, env });
      expect(list.stdout).toMatch(/^demo-key /m);
      expect(readFileSync(`${fixture.dir}/.ml-connector/secrets.json`, 'utf8')).not.toMatch(/"v"/);
    } finally {
      fixture.remove();
    }
  });
});
