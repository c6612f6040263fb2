// A default exists only in the schema: the loaded pipeline carries it, for policies, steps, triggers
// and connector configs alike, and the loaded object cannot be changed.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../cli/checks.ts';
import { repoRoot } from '../support/cli.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';
import { loadPipeline } from '../../runtime/load/load-pipeline.ts';

const EXAMPLE = `${repoRoot}pipelines/keystone-bamboohr-to-sage100.yaml`;

describe('loaded pipelines', () => {
  it('carry every schema default, frozen, and leave what was written alone', async () => {
    const { pipeline, diagnostics } = await loadPipeline(EXAMPLE, { registry, cwd: repoRoot, env: {}, secrets: createSecretResolver({ dataDir: '/nonexistent/ml-connector-test', env: {} }), offline: true });
    expect(diagnostics.filter((d) => d.severity === undefined)).toEqual([]);
    // biome-ignore lint/suspicious/noExplicitAny: reading defaults by path
    const loaded = pipeline?.pipeline as unknown as Record<string, any>;
    expect(loaded.triggers[0].toleranceSeconds).toBe(300);
    expect(loaded.steps[0].timeoutMs).toBe(1000);
    expect(loaded.steps[2].onMissing).toBe('quarantine');
    expect(loaded.policies.audit.includeValues).toBe(true);
    expect(loaded.source.config.includeTerminated).toBe(true);
    expect(loaded.source.config.timeoutMs).toBe(30000);
    expect(loaded.sink.config.timeoutMs).toBe(30000);
    expect(loaded.steps[1].onMissing).toBe('default'); // as written, not replaced
    expect(Object.isFrozen(loaded.sink.config.accountFormat.segments[0])).toBe(true);
    expect(() => {
      loaded.policies.retry.maxAttempts = 1;
    }).toThrow(TypeError);
  });

  it('fills whole policy blocks that were left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-defaults-'));
    try {
      cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
      const text = readFileSync(EXAMPLE, 'utf8').replace(/\npolicies:[\s\S]*$/, '\n');
      writeFileSync(join(dir, 'p.yaml'), text.replace(/\.\.\/mappings\//g, 'mappings/'));
      const { pipeline } = await loadPipeline(join(dir, 'p.yaml'), { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: '/nonexistent/ml-connector-test', env: {} }), offline: true });
      expect(pipeline?.pipeline.policies).toEqual({
        retry: { maxAttempts: 8, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 300000 },
        quarantine: { enabled: true, retentionDays: 90 },
        audit: { enabled: true, retentionDays: 365, includeValues: true },
        drift: 'report',
        driftSchedule: '0 * * * *',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
