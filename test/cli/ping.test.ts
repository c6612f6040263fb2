// `ml-connector ping` end to end for the sink side: a pipeline whose sink points at a running agent
// (sim backend, HTTPS), secrets from a secrets directory, the CLI run in-process.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../agent/test-support.ts';
import { repoRoot, runCli } from '../support/cli.ts';
import { startSinkAgent, type SinkAgent } from '../support/sage100-agent.ts';

describe('ml-connector ping (sink side)', () => {
  let agent: SinkAgent;
  const dir = tempDir('ping-');
  let pipeline: string;

  const writeSecrets = (name: string, values: Record<string, string>): string => {
    const secretsDir = join(dir.path, name);
    mkdirSync(secretsDir, { recursive: true });
    for (const [secret, value] of Object.entries(values)) writeFileSync(join(secretsDir, secret), value);
    return secretsDir;
  };

  beforeAll(async () => {
    agent = await startSinkAgent();
    cpSync(join(repoRoot, 'mappings'), join(dir.path, 'mappings'), { recursive: true });
    mkdirSync(join(dir.path, 'pipelines'));
    pipeline = join(dir.path, 'pipelines', 'keystone.yaml');
    const text = readFileSync(join(repoRoot, 'pipelines', 'keystone-bamboohr-to-sage100.yaml'), 'utf8').replace('https://sage-agent.keystone.internal:8443', agent.t.agent.url);
    writeFileSync(pipeline, text);
  });
  afterAll(async () => {
    await agent.stop();
    dir.remove();
  });

  const bamboo = { 'bamboohr-client-secret': 'cs', 'bamboohr-refresh-token': 'rt', 'bamboohr-webhook-key': 'wk' };

  it('prints the agent version, company, account format and certificate fingerprint', async () => {
    const secretsDir = writeSecrets('good', { ...bamboo, 'sage-agent-ca': agent.t.agent.certificate, 'sage-agent-key': agent.t.clientKey });
    const run = await runCli(['ping', pipeline, '--secrets-dir', secretsDir, '--format', 'json'], { cwd: dir.path });
    const report = JSON.parse(run.stdout) as { results: Array<{ role: string; ok: boolean; detail: string; facts?: Record<string, unknown> }> };
    const sink = report.results.find((r) => r.role === 'sink');
    expect(sink?.ok, sink?.detail).toBe(true);
    expect(sink?.facts).toMatchObject({ company: 'KBS Keystone Building Supply', accountFormat: '####-##-AAA-##', certificateSha256: agent.t.agent.fingerprint256 });
    expect(report.results.map((r) => r.role)).toEqual(['source', 'sink']);
  });

  it('names one clear reason when the key is refused (exit 1, no stack)', async () => {
    const secretsDir = writeSecrets('bad-key', { ...bamboo, 'sage-agent-ca': agent.t.agent.certificate, 'sage-agent-key': 'mlc_wrong' });
    const run = await runCli(['ping', pipeline, '--secrets-dir', secretsDir], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL sink sage100-agent-sink: key refused: /m);
    expect(run.stdout + run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
