
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { pipelineAgainstSandbox } from './support/sandbox-pipeline.ts';
import { startBambooSandbox, type RunningSandbox } from '../sandbox/bamboohr/index.ts';

describe('ml-connector read', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sandbox = await startBambooSandbox();
    ({ dir, env } = pipelineAgainstSandbox(sandbox, { apiKey: true }, 'mlc-read-'));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('prints all 199 seeded employees through the bulk path, one JSON object per line', async () => {
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const run = await runCli(['read', 'pipelines.yaml'], { cwd: dir, env });
    expect(run.stderr).toContain('199 records');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string });
    expect(lines).toHaveLength(199);
    expect(sandbox.admin.requests(mark).filter((r) => r.path.includes('/employees/') && /\/employees\/\d+/.test(r.path))).toEqual([]);
  });

  it('reads keys with a limit, and refuses a bad mode as a usage error', async () => {
    const run = await runCli(['read', 'pipelines.yaml', '--mode', 'keys', '--keys', '4,12,16', '--limit', '1'], { cwd: dir, env });
    expect(run.stderr).toContain('1 record');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const bad = await runCli(['read', 'pipelines.yaml', '--mode', 'sideways'], { cwd: dir, env });
    expect(bad.code).toBe(2);
  });
});
