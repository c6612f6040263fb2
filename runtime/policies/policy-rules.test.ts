// validate on retry policies: deadlineMs accepted and kept; policies that cannot work refused with
// the file, line and field.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../connectors/registry.ts';
import { resolvedPolicies } from '../engine/pipeline-defaults.ts';
import { loadPipeline } from '../load/load-pipeline.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { copyFixture } from '../../test/support/engine-harness.ts';
import { testSinkDefinition, testSourceDefinition } from '../../test/support/test-connectors.ts';

async function load(retry: string, extra = '') {
  const dir = copyFixture();
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/retry: \{[^}]*\}/, `retry: ${retry}${extra}`));
  const registry = createRegistry([testSourceDefinition(), testSinkDefinition()]);
  return loadPipeline(file, { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), offline: true });
}

describe('policy rules', () => {
  it('accepts deadlineMs and keeps it in the resolved policy', async () => {
    const { pipeline, diagnostics } = await load('{ maxAttempts: 20, initialIntervalMs: 500, deadlineMs: 3600000 }');
    expect(diagnostics.filter((d) => d.severity === undefined)).toEqual([]);
    expect(pipeline && resolvedPolicies(pipeline.pipeline).retry).toEqual({ maxAttempts: 20, initialIntervalMs: 500, backoffCoefficient: 2, maxIntervalMs: 300000, deadlineMs: 3600000 });
  });

  it('leaves deadlineMs out of the resolved policy when the pipeline does not set it', async () => {
    const { pipeline } = await load('{ maxAttempts: 3 }');
    expect(pipeline && 'deadlineMs' in resolvedPolicies(pipeline.pipeline).retry).toBe(false);
  });

  it('refuses a deadline shorter than the first wait, and a first wait longer than the cap, at the field', async () => {
    const { diagnostics } = await load('{ initialIntervalMs: 5000, maxIntervalMs: 2000, deadlineMs: 1000 }');
    const found = diagnostics.filter((d) => d.code === 'MLC_RETRY_POLICY_INVALID').map((d) => ({ path: d.path, line: d.line, message: d.message }));
    expect(found).toEqual([
      { path: '/policies/retry/initialIntervalMs', line: 18, message: expect.stringMatching(/initialIntervalMs \(5000\) is longer than maxIntervalMs \(2000\)/) },
      { path: '/policies/retry/deadlineMs', line: 18, message: expect.stringMatching(/deadlineMs \(1000\) is shorter than initialIntervalMs \(5000\)/) },
    ]);
  });

  it('refuses a deadline of zero through the schema', async () => {
    const { diagnostics } = await load('{ deadlineMs: 0 }');
    expect(diagnostics.map((d) => d.code)).toContain('MLC_SCHEMA_INVALID');
  });

  it('defaults the drift schedule to hourly and refuses one node-cron would not run, at the schedule', async () => {
    const { pipeline } = await load('{ maxAttempts: 3 }');
    expect(pipeline && resolvedPolicies(pipeline.pipeline).driftSchedule).toBe('0 * * * *');
    const { diagnostics } = await load('{ maxAttempts: 3 }', '\n  driftSchedule: "every hour"');
    expect(diagnostics.filter((d) => d.code === 'MLC_CRON_INVALID').map((d) => [d.path, d.line])).toEqual([['/policies/driftSchedule', 19]]);
  });
});
