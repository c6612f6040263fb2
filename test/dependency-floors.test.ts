// Known-vulnerable or known-broken versions never reach the lockfile (reliability checklist DEP-2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.ts';

/** Lowest acceptable version, and the reason. */
const FLOORS: Record<string, [string, string]> = {
  yaml: ['2.2.2', 'alias-expansion and parser fixes'],
  ajv: ['8.18.0', 'ReDoS fixes in pattern handling'],
  jsonata: ['2.0.4', 'prototype-pollution fix'],
  undici: ['7.30.2', 'newest line that runs on Node 20 (8.x needs Node 22)'],
  'node-cron': ['4.3.0', 'no spinning or stopping around DST changes'],
  pino: ['9.11.1', 'redaction fixes'],
};

function compare(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

describe('dependency floors', () => {
  it.each(Object.entries(FLOORS))('%s is at least the floor', (name, [floor]) => {
    const version = lock.packages[`node_modules/${name}`]?.version;
    expect(version, `${name} missing from package-lock.json`).toBeDefined();
    expect(compare(version ?? '0.0.0', floor)).toBeGreaterThanOrEqual(0);
  });

  it('undici stays on the 7.x line while Node 20 is supported', () => {
    expect(lock.packages['node_modules/undici']?.version).toMatch(/^7\./);
  });
});
