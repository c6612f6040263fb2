// YAML that is legal-looking but odd: each gets a message in the user's terms, with a position, exit 1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';
/** 1-based line of the first line holding `needle` (the example pipeline grows; tests do not count by hand). */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('validate explains odd YAML in the user\'s terms', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  const check = async (): Promise<string> => {
    const run = await runCli(['validate', '--offline', EXAMPLE_PIPELINE], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    return run.stdout;
  };

  it('an alias with no anchor before it is a syntax error at the alias, not an alias bomb', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'company: KBS', 'company: *kbs');
    const line = lineOf(fixture.read(EXAMPLE_PIPELINE), 'company: *kbs');
    const out = await check();
    expect(out).toMatch(new RegExp(`keystone-bamboohr-to-sage100\\.yaml:${line}:14: error MLC_YAML_SYNTAX: alias '\\*kbs' has no anchor '&kbs' before it`));
    expect(out).not.toContain('MLC_YAML_ALIAS_LIMIT');
  });

  it('a second document says so without naming the parser\'s API', async () => {
    const original = fixture.read(EXAMPLE_PIPELINE);
    fixture.write(EXAMPLE_PIPELINE, `${original}---\nversion: 1\n`);
    const out = await check();
    // The error is at the `---` that starts the second document (the line after the original's last).
    expect(out).toMatch(new RegExp(`:${original.split('\n').length}:1: error MLC_YAML_SYNTAX: the file holds more than one YAML document`));
    expect(out).not.toContain('parseAllDocuments');
  });

  it('nesting too deep to read is named as such, not as a stack overflow', async () => {
    fixture.write(EXAMPLE_PIPELINE, `version: 1\nname: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    const out = await check();
    expect(out).toMatch(/^\S+:2:\d+: error MLC_YAML_SYNTAX: the YAML is nested too deeply to read\n.*\n1 problem in 1 file/);
    expect(out).not.toMatch(/call stack|custom tags/);
  });

  it('a merge key is named as unsupported rather than as a typo', async () => {
    fixture.edit(EXAMPLE_PIPELINE, '  audit: { enabled: true, retentionDays: 365 }', '  audit:\n    <<: { enabled: true }\n    retentionDays: 365');
    const line = lineOf(fixture.read(EXAMPLE_PIPELINE), '<<: { enabled: true }');
    expect(await check()).toMatch(new RegExp(`:${line}:5: error MLC_SCHEMA_UNKNOWN_KEY: YAML merge keys`));
    expect(await check()).toMatch(/error MLC_SCHEMA_UNKNOWN_KEY: YAML merge keys \('<<'\) are not supported \(at \/policies\/audit\/<<\)/);
  });

  it('a very long wrong value is shortened in the message, not echoed whole', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'name: keystone-bamboohr-to-sage100', `name: ${'X'.repeat(500_000)}`);
    const out = await check();
    expect(out).toMatch(/error MLC_SCHEMA_INVALID: string "X{79}… \(500000 characters\) does not have the expected form/);
    expect(out.length).toBeLessThan(5000);
  });
});
