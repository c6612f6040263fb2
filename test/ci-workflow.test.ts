// The GitHub Actions workflow shipped for integrators' repositories parses, and every ml-connector
// command it runs is a real command with options its usage names; the secrets it passes are exactly
// the ones the example pipeline references.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../cli/main.ts';
import { parseTrustedYaml } from '../runtime/lib/yaml.ts';
import { repoRoot } from './support/cli.ts';

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Array<{ name?: string; run?: string; uses?: string; if?: string }> }>;
}

const workflow = parseTrustedYaml(readFileSync(join(repoRoot, '.github/workflows/pipelines.yml'), 'utf8')) as Workflow;
const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
const invocations = runs.flatMap((run) => [...run.matchAll(/npx ml-connector ([a-z]+)((?: [^|>&\n]*)?)/g)].map((m) => ({ command: m[1] as string, args: (m[2] ?? '').trim() })));

describe('.github/workflows/pipelines.yml', () => {
  it('runs on pull requests and pushes', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('runs validate, test, coverage and plan --format markdown, each a real command with real options', async () => {
    expect(invocations.map((i) => i.command)).toEqual(['validate', 'test', 'coverage', 'plan']);
    expect(invocations.find((i) => i.command === 'plan')?.args).toContain('--format markdown');
    for (const { command, args } of invocations) {
      const real = commands.find((c) => c.name === command);
      expect(real, command).toBeDefined();
      const usage = typeof real?.usage === 'string' ? real.usage : ((await real?.usage()) ?? '');
      for (const option of args.match(/--[a-z-]+/g) ?? []) expect(usage, `${command} ${option}`).toContain(option);
      for (const value of args.match(/--format (\w+)/g) ?? []) expect(usage, `${command} ${value}`).toContain(value.split(' ')[1]);
    }
  });

  it('posts the plan on pull requests only', () => {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const post = steps.find((s) => s.run?.includes('gh pr comment'));
    expect(post?.run).toContain('plan.md');
    expect(post?.if).toContain("github.event_name == 'pull_request'");
  });

  it('passes exactly the secrets the example pipeline references', () => {
    const pipeline = readFileSync(join(repoRoot, 'pipelines/keystone-bamboohr-to-sage100.yaml'), 'utf8');
    const referenced = [...new Set([...pipeline.matchAll(/\$\{secret:([a-z0-9-]+)\}/g)].map((m) => `ML_CONNECTOR_SECRET_${(m[1] as string).toUpperCase().replaceAll('-', '_')}`))].sort();
    expect(Object.keys(workflow.env).filter((k) => k.startsWith('ML_CONNECTOR_SECRET_')).sort()).toEqual(referenced);
  });
});
