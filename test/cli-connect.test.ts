
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../cli/checks.ts';
import { runConnect, type ConnectOptions } from '../runtime/cli/connect-command.ts';
import { startBambooSandbox, type RunningSandbox } from '../sandbox/bamboohr/index.ts';
import { runCli } from './support/cli.ts';
import { pipelineAgainstSandbox } from './support/sandbox-pipeline.ts';
import { freePort } from './support/free-port.ts';

/** What the browser was sent to and what the loopback listener showed it, last flow first. */
const seen: { consent: URL; page: string }[] = [];

/** The browser: follows the consent page's redirect to the loopback listener, optionally bending it. */
function browser(bend: (answer: URL) => URL = (u) => u): ConnectOptions['openUrl'] {
  return async (url) => {
    const consent = await fetch(url, { redirect: 'manual' });
    const location = consent.headers.get('location');
    if (!location) throw new Error(`the consent page answered ${consent.status} without a redirect`);
    const page = await fetch(bend(new URL(location)));
    seen.unshift({ consent: new URL(url), page: await page.text() });
  };
}

describe('ml-connector connect bamboohr', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let redirect: string;
  const io = () => ({ stdout: () => {}, stderr: () => {}, env, cwd: dir, stopSignal: new AbortController().signal });
  const connect = (openUrl: ConnectOptions['openUrl'], extra: Partial<ConnectOptions> = {}) =>
    runConnect({ name: 'bamboohr', pipelinePath: 'pipelines.yaml', registry, io: io(), flags: {}, openUrl, timeoutMs: 20_000, ...extra });
  const storedSecrets = async () => (await runCli(['secrets', 'list'], { cwd: dir, env })).stdout;

  beforeAll(async () => {
    sandbox = await startBambooSandbox();
    redirect = `http://127.0.0.1:${await freePort()}/callback`;
    sandbox.admin.setRedirectUris('keystone', [redirect]);
    ({ dir, env } = pipelineAgainstSandbox(sandbox, { oauthRedirectUri: redirect }, 'mlc-connect-'));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('refuses a forged answer, a refusal and a timeout, storing nothing', async () => {
    await expect(connect(browser((u) => (u.searchParams.set('state', 'forged'), u)))).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED' });
    await expect(connect(browser((u) => new URL(`${u.origin}${u.pathname}?error=access_denied&state=${u.searchParams.get('state')}`)))).rejects.toMatchObject({
      code: 'MLC_AUTHORIZATION_FAILED',
      message: expect.stringMatching(/access_denied/),
    });
    await expect(connect(() => undefined, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED', message: expect.stringMatching(/no answer/) });
    expect(await storedSecrets()).not.toContain('bamboohr-refresh-token');
  });

  it('a spent code replayed through a new flow is refused by the token endpoint (invalid_grant)', async () => {
    let spent = '';
    const first = await connect(browser((u) => ((spent = u.toString()), u)));
    expect('stored' in first && first.stored).toBe('bamboohr-refresh-token');
    // Replaying the spent code through a new flow: the sandbox refuses it as invalid_grant.
    await expect(
      connect(async (url) => {
        const state = new URL(url).searchParams.get('state') ?? '';
        const replay = new URL(spent);
        replay.searchParams.set('state', state);
        await fetch(replay);
      }),
    ).rejects.toMatchObject({ code: 'MLC_REAUTHORIZE_REQUIRED' });
  });

  it('stores the refresh token that `read` then uses (199 employees over OAuth)', async () => {
    const result = await connect(browser());
    expect(result).toMatchObject({ stored: 'bamboohr-refresh-token', pipeline: 'keystone-bamboohr-to-sage100', source: 'bamboohr-source' });
    const { consent, page } = seen[0]!;
    expect(consent.pathname).toMatch(/\/authorize\.php$/);
    expect(consent.searchParams.get('redirect_uri')).toBe(redirect);
    expect(consent.searchParams.get('scope')?.split(' ')).toContain('offline_access');
    expect(page).toMatch(/return to the terminal/);
    expect(await storedSecrets()).toContain('bamboohr-refresh-token');
    const read = await runCli(['read', 'pipelines.yaml'], { cwd: dir, env });
    expect(read.stderr).toMatch(/199 records/);
    expect(read.code).toBe(0);
    expect(read.stdout.trim().split('\n')).toHaveLength(199);
  });

  it('the command prints the consent address, and without an answer exits 1 with a coded error, no stack and nothing stored', async () => {
    const run = await runCli(['connect', 'bamboohr', 'pipelines.yaml', '--no-browser', '--timeout', '1', '--data', 'never-used'], { cwd: dir, env });
    expect(run.code).toBe(1);
    const printed = new URL(run.stderr.match(/https?:\/\/\S+authorize\.php\S+/)?.[0] ?? 'http://missing.invalid');
    expect(printed.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(printed.searchParams.get('scope')?.split(' ')).toContain('offline_access');
    expect(run.stderr).toMatch(/MLC_AUTHORIZATION_FAILED/);
    expect(run.stdout + run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect((await runCli(['secrets', 'list', '--data', 'never-used'], { cwd: dir, env })).stdout).not.toContain('bamboohr-refresh-token');
  });

  it('names the right source when asked for another, and the CLI explains its usage', async () => {
    await expect(connect(() => undefined, { name: 'workday' })).rejects.toThrow(/source is 'bamboohr-source'.*connect bamboohr/);
    const usage = await runCli(['connect', 'bamboohr'], { cwd: dir, env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/connect takes a source name and one pipeline file/);
    const badTimeout = await runCli(['connect', 'bamboohr', 'pipelines.yaml', '--timeout', 'soon'], { cwd: dir, env });
    expect(badTimeout.code).toBe(2);
  });
});
