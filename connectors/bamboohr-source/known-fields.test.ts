// validate sees a misspelt BambooHR field name in `fields` (a warning naming the closest standard
// field), and lets the customer's own fields through (numeric ids, custom aliases).
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../test/support/cli.ts';
import { DEFAULT_FIELDS } from './config.ts';
import { knownFieldsFor, STANDARD_FIELDS } from './known-fields.ts';

describe('bamboohr-source known fields', () => {
  it('knows every field it reads by default, and custom fields only by id or custom alias', () => {
    for (const field of DEFAULT_FIELDS) expect(STANDARD_FIELDS).toContain(field);
    const known = knownFieldsFor(['department', '4001', 'customShirtSize', 'departmnt']);
    expect(known).toContain('4001');
    expect(known).toContain('customShirtSize');
    expect(known).not.toContain('departmnt');
  });

  it('validate warns about a misspelt field and suggests the standard one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-fields-'));
    cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
    const pipeline = readFileSync(join(repoRoot, 'pipelines/keystone-bamboohr-to-sage100.yaml'), 'utf8')
      .replace('fields: [firstName, lastName,', 'fields: [firstName, lastNmae, customShirtSize, "4001", lastName,')
      .replaceAll('../mappings/', './mappings/');
    writeFileSync(join(dir, 'p.yaml'), pipeline);
    const run = await runCli(['validate', '--offline', '--format', 'json', 'p.yaml'], { cwd: dir });
    const report = JSON.parse(run.stdout) as { diagnostics: { code: string; severity: string; message: string; line: number }[] };
    const unknown = report.diagnostics.filter((d) => d.code === 'MLC_SOURCE_FIELD_UNKNOWN');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining("'lastNmae' (did you mean 'lastName'?)") });
    expect(run.code).toBe(0);
  });
});
