// `ml-connector agent selftest` as an installer runs it: the printed steps, the two files, exit codes,
// refusals that write nothing, the bounded lock probe, --replay, and a profile from a variant run
// starting an agent that serves headcount against that variant.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../runtime/cli/command.ts';
import { createDispatcher, httpRequest } from '../../runtime/lib/http-client.ts';
import { SIM_USER, SimDatabase } from '../backends/sim/database.ts';
import { agentCommand, agentKeysCommand } from '../command.ts';
import { loadProfileFile } from '../profile/load.ts';
import { tempDir } from '../test-support.ts';
import { createSelftestCommand } from './command.ts';

function io(cwd: string, env: Record<string, string> = {}, controller = new AbortController()): CliIo & { out: string[]; err: string[]; text(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, text: () => out.join(''), stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { LOG_LEVEL: 'silent', ...env }, cwd, stopSignal: controller.signal };
}

describe('ml-connector agent selftest', () => {
  it('--backend sim: a full PASS run, the transcript and a verified profile; --replay agrees, another variant does not', async () => {
    const dir = tempDir();
    const cli = io(dir.path);
    expect(await createSelftestCommand().run(['--backend', 'sim'], cli)).toBe(0);
    const lines = cli.text().trim().split('\n');
    expect(lines.slice(0, -1).every((l) => l.startsWith('PASS'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\d+ PASS, 0 FAIL, 0 UNKNOWN\. Wrote .*sage-profile\.json \(verified, headcount included\)/);
    expect(loadProfileFile(join(dir.path, 'sage-profile.json')).profile.verified).toMatchObject({ company: 'KBS', headcount: true });
    const same = io(dir.path);
    expect(await createSelftestCommand().run(['--replay', 'selftest-transcript.json'], same)).toBe(0);
    expect(same.text()).toMatch(/^0 difference\(s\)/);
    const other = io(dir.path);
    expect(await createSelftestCommand().run(['--replay', 'selftest-transcript.json', '--sim-variant', 'no-options'], other)).toBe(1);
    expect(other.text()).toMatch(/DIFFERS .*NewObject\("GL_Options_svc".*Sage answered an object, the simulator Nothing/);
    dir.remove();
  });

  it('a company the user has no rights to: FAIL with Sage’s message, exit 1, nothing written', async () => {
    const dir = tempDir();
    const cli = io(dir.path);
    const command = createSelftestCommand({
      simDatabase: () => {
        const db = new SimDatabase();
        db.companies.KBS!.usersWithoutAccess = [SIM_USER];
        return db;
      },
    });
    expect(await command.run(['--backend', 'sim'], cli)).toBe(1);
    expect(cli.text()).toMatch(/FAIL +session\.SetCompany +SetCompany\("KBS"\) = 0: User MLCONNECT does not have rights to company KBS\./);
    expect(cli.text()).toMatch(/nothing was written/);
    expect(readdirSync(dir.path)).toEqual([]);
    dir.remove();
  });

  it('--write-test on a company that is not a test company is refused (exit 1)', async () => {
    const dir = tempDir();
    const cli = io(dir.path);
    expect(await createSelftestCommand().run(['--backend', 'sim', '--write-test'], cli)).toBe(1);
    expect(cli.text()).toMatch(/FAIL +write\.refused +--write-test refused/);
    dir.remove();
  });

  it('--probe-lock on a lock that never clears ends after the bounded waits', async () => {
    const dir = tempDir();
    let sleeps = 0;
    const command = createSelftestCommand({
      simDatabase: () => {
        const db = new SimDatabase();
        db.lockRecord('KBS', 'GL_SubAccount', '03\u008aOPS', null);
        return db;
      },
      sleep: async () => void sleeps++,
    });
    const cli = io(dir.path);
    expect(await command.run(['--backend', 'sim', '--probe-lock', '03/ops', '--lock-wait', '3'], cli)).toBe(0);
    expect(cli.text()).toMatch(/UNKNOWN +lock\.capture +lock text: "Record is in use by another user \(JSMITH on WKSTN07\)\.".*did not clear within 3 s/);
    expect(sleeps).toBe(3);
    dir.remove();
  });

  it('usage mistakes, and the boi backend off Windows is an environment FAIL that writes nothing', async () => {
    const dir = tempDir();
    await expect(createSelftestCommand().run(['--probe-lock', 'OPS'], io(dir.path))).rejects.toThrow(/SEG\/CODE/);
    await expect(createSelftestCommand().run(['--backend', 'boi'], io(dir.path))).rejects.toThrow(/--home/);
    await expect(createSelftestCommand().run(['--sim-variant', 'nonsense'], io(dir.path))).rejects.toThrow(/known: legacy-budget/);
    if (process.platform !== 'win32') {
      const cli = io(dir.path, { SAGE100_PASSWORD: 'x' });
      expect(await createSelftestCommand().run(['--backend', 'boi', '--home', 'C:\\Sage\\MAS90\\Home', '--user', 'U', '--company', 'ABC'], cli)).toBe(1);
      expect(cli.text()).toMatch(/FAIL +environment .*needs Windows/);
      expect(existsSync(join(dir.path, 'sage-profile.json'))).toBe(false);
    }
    dir.remove();
  });

  it('the profile from a run against another variant starts an agent that serves headcount on that variant', async () => {
    const dir = tempDir();
    const variant = 'legacy-budget,no-options,plain-properties';
    const cli = io(dir.path);
    expect(await createSelftestCommand().run(['--backend', 'sim', '--sim-variant', variant], cli)).toBe(0);
    expect(cli.text()).toMatch(/UNKNOWN +object\.options/);
    const keys = io(dir.path);
    await agentKeysCommand.run(['add', '--name', 'runtime', '--data', 'data'], keys);
    const { key } = JSON.parse(keys.out[0] ?? '') as { key: string };
    const controller = new AbortController();
    const agent = io(dir.path, {}, controller);
    const running = agentCommand.run(['--backend', 'sim', '--sim-variant', variant, '--profile', 'sage-profile.json', '--port', '0', '--host', '127.0.0.1', '--data', 'data'], agent);
    for (let i = 0; i < 200 && agent.out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const line = JSON.parse(agent.out[0] ?? '{}') as { url: string; fingerprint256: string };
    const dispatcher = createDispatcher({ ca: readFileSync(join(dir.path, 'data', 'agent-cert.pem'), 'utf8'), fingerprint256: line.fingerprint256 });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'hc-1' };
    const body = JSON.stringify({ costCenter: { '02': '20', '03': 'SLS', '04': '02' }, period: '2026-11', headcount: 9 });
    const r = await httpRequest(`${line.url}/v1/companies/KBS/headcount`, { method: 'POST', headers, body, dispatcher });
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ record: { account: '9900-20-SLS-02', fiscalYear: '2027', fiscalPeriod: '02', headcount: 9 } });
    controller.abort();
    expect(await running).toBe(0);
    await dispatcher.close();
    dir.remove();
  });
});
