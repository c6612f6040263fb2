// The one generic test that runs every cases file shipped with the product's mappings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCasesFile } from '../../runtime/cases/run-cases.ts';
import { repoRoot } from '../support/cli.ts';

const casesFiles = readdirSync(join(repoRoot, 'mappings')).filter((f) => f.endsWith('.cases.yaml'));

describe('shipped mapping and JSONata cases', () => {
  it('finds cases files to run', () => {
    expect(casesFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(casesFiles)('%s passes', async (name) => {
    const result = await runCasesFile(join(repoRoot, 'mappings', name), repoRoot);
    expect(result.diagnostics).toEqual([]);
    expect(result.results.length).toBeGreaterThan(0);
    const failures = result.results.filter((r) => !r.passed).map((r) => `${r.name}\n${r.detail ?? ''}`);
    expect(failures).toEqual([]);
    expect(result.unexercisedRows).toEqual([]);
  });
});
