// Every kind of bad input the issue lists: a clear message with file:line:col, exit 1, no stack
// trace, and nothing written anywhere.
import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runCliProcess } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

const DEPARTMENTS = 'mappings/departments.yaml';
const BOMB = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
  .join('\n');

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not in text`);
  return index + 1;
}

interface BadCase {
  name: string;
  breakIt(f: Fixture): void;
  code: string;
  file: string;
  /** Text on the line the message must point at (the fixture's text after breaking it). */
  lineWith?: string;
  message: RegExp;
  offline?: boolean;
}

const cases: BadCase[] = [
  { name: 'malformed YAML', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'company: KBS', 'company: [KBS'), code: 'MLC_YAML_SYNTAX', file: EXAMPLE_PIPELINE, message: /must be sufficiently indented|Flow sequence|Missing|expected/i },
  { name: 'tab indentation', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '    subdomain: keystone', '\tsubdomain: keystone'), code: 'MLC_YAML_SYNTAX', file: EXAMPLE_PIPELINE, lineWith: '\tsubdomain', message: /tab/i },
  { name: 'duplicate key', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'source:\n', 'name: again\nsource:\n'), code: 'MLC_YAML_DUPLICATE_KEY', file: EXAMPLE_PIPELINE, lineWith: 'name: again', message: /key 'name' appears twice in this mapping \(first on line 3\)/ },
  { name: 'unknown key with did-you-mean', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '  retry: {', '  retyr: {'), code: 'MLC_SCHEMA_UNKNOWN_KEY', file: EXAMPLE_PIPELINE, lineWith: 'retyr', message: /unknown key 'retyr' \(did you mean 'retry'\?\)/ },
  { name: 'wrong type', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'company: KBS', 'company: 42'), code: 'MLC_SCHEMA_INVALID', file: EXAMPLE_PIPELINE, lineWith: 'company: 42', message: /must be string; got number 42/ },
  { name: 'YAML alias bomb', breakIt: (f) => f.write(EXAMPLE_PIPELINE, BOMB), code: 'MLC_YAML_ALIAS_LIMIT', file: EXAMPLE_PIPELINE, lineWith: '*a', message: /aliases/ },
  { name: '50 MB file', breakIt: (f) => f.write(EXAMPLE_PIPELINE, Buffer.alloc(50 * 1024 * 1024, 'a')), code: 'MLC_FILE_TOO_LARGE', file: EXAMPLE_PIPELINE, message: /52428800 bytes; the limit is 1048576/ },
  { name: 'binary content', breakIt: (f) => f.write(EXAMPLE_PIPELINE, Buffer.from([0x76, 0x65, 0x72, 0x00, 0x01, 0x02])), code: 'MLC_FILE_NOT_TEXT', file: EXAMPLE_PIPELINE, message: /binary/ },
  { name: 'non-UTF-8 content', breakIt: (f) => f.write(EXAMPLE_PIPELINE, Buffer.concat([Buffer.from('version: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')])), code: 'MLC_FILE_NOT_TEXT', file: EXAMPLE_PIPELINE, message: /UTF-8/ },
  { name: 'missing mapping file', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '../mappings/departments.yaml', '../mappings/departmentz.yaml'), code: 'MLC_REF_MISSING_FILE', file: EXAMPLE_PIPELINE, lineWith: 'departmentz.yaml', message: /mapping table '..\/mappings\/departmentz.yaml' does not exist/ },
  { name: 'JSONata syntax error inline', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'expression: status = "Active" or (', 'expression: status = "Active" or (('), code: 'MLC_JSONATA_SYNTAX', file: EXAMPLE_PIPELINE, lineWith: 'or ((', message: /S0\d{3}/ },
  { name: 'JSONata syntax error in a file', breakIt: (f) => f.edit('mappings/employee.jsonata', '"active": status = "Active"', '"active": status = = "Active"'), code: 'MLC_JSONATA_SYNTAX', file: 'mappings/employee.jsonata', lineWith: '= =', message: /S0\d{3}/ },
  { name: 'unknown connector type', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'type: bamboohr-source', 'type: bamboohr-sourc'), code: 'MLC_CONNECTOR_UNKNOWN', file: EXAMPLE_PIPELINE, lineWith: 'bamboohr-sourc', message: /did you mean 'bamboohr-source'/ },
  { name: 'unset environment variable', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'url: https://sage-agent.keystone.internal:8443', 'url: https://${env:SAGE_AGENT_HOST}:8443'), offline: false, code: 'MLC_ENV_UNSET', file: EXAMPLE_PIPELINE, lineWith: 'SAGE_AGENT_HOST', message: /SAGE_AGENT_HOST is not set/ },
  { name: 'missing secret (with a secret store configured)', breakIt: () => undefined, offline: false, code: 'MLC_SECRET_MISSING', file: EXAMPLE_PIPELINE, lineWith: 'bamboohr-client-secret', message: /secret 'bamboohr-client-secret' is not stored/ },
  { name: 'duplicate source key in a mapping', breakIt: (f) => f.edit(DEPARTMENTS, '  - { from: Sales', '  - { from: " warehouse ", to: WH2 }\n  - { from: Sales'), code: 'MLC_MAPPING_DUPLICATE_KEY', file: DEPARTMENTS, lineWith: 'warehouse ', message: /duplicate source value ' warehouse ' \(first at line \d+/ },
  { name: 'code too long for its segment', breakIt: (f) => f.edit(DEPARTMENTS, 'to: YRD', 'to: YARD'), code: 'MLC_MAPPING_CODE_FORMAT', file: DEPARTMENTS, lineWith: 'YARD', message: /'YARD' is 4 characters; segment 'department' allows 3/ },
  { name: 'code with characters its segment refuses', breakIt: (f) => f.edit('mappings/locations.yaml', 'to: "03"', 'to: "3A"'), code: 'MLC_MAPPING_CODE_FORMAT', file: 'mappings/locations.yaml', lineWith: '"3A"', message: /'3A' must be digits only: segment 'location' is numeric/ },
  { name: 'inline secret', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'apiKey: ${secret:sage-agent-key}', 'apiKey: hunter2'), code: 'MLC_SCHEMA_INVALID', file: EXAMPLE_PIPELINE, lineWith: 'hunter2', message: /secrets are never written inline/ },
];

describe('validate rejects bad input clearly', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it('accepts the unbroken example (so each case below fails for its own reason)', async () => {
    const run = await runCli(['validate', '--offline', 'pipelines'], { cwd: fixture.dir });
    expect(run.stdout).toContain('ok: 1 file valid');
    expect(run.code).toBe(0);
  });

  it.each(cases)('$name', async (bad) => {
    bad.breakIt(fixture);
    const before = fixture.listing();
    const args = ['validate', '--format', 'json', 'pipelines', ...(bad.offline === false ? [] : ['--offline'])];
    if (bad.offline === false) mkdirSync(fixture.path('no-secrets'));
    const env = bad.offline === false ? { ML_CONNECTOR_SECRETS_DIR: fixture.path('no-secrets') } : {};
    const run = await runCli(args, { cwd: fixture.dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { valid: boolean; diagnostics: { code: string; file: string; line: number; col: number; message: string }[] };
    expect(report.valid).toBe(false);
    const found = report.diagnostics.find((d) => d.code === bad.code);
    expect(found, JSON.stringify(report.diagnostics, null, 2)).toBeDefined();
    expect(found?.file).toBe(bad.file);
    expect(found?.message).toMatch(bad.message);
    expect(found?.line).toBeGreaterThan(0);
    expect(found?.col).toBeGreaterThan(0);
    if (bad.lineWith) expect(found?.line).toBe(lineOf(fixture.read(bad.file), bad.lineWith));
    expect(fixture.listing()).toEqual(before);
  });

  it('warns, without failing, that secrets went unchecked when no secret store is configured', async () => {
    const run = await runCli(['validate', 'pipelines'], { cwd: fixture.dir, env: {} });
    expect(run.stdout).toMatch(/warning MLC_SECRETS_UNCHECKED: 5 secret references were not checked/);
    expect(run.stdout).toContain('ok: 1 file valid (1 warning)');
    expect(run.code).toBe(0);
  });

  it('finds secrets stored as files in the secrets directory or as variables', async () => {
    const names = ['bamboohr-client-secret', 'bamboohr-refresh-token', 'bamboohr-webhook-key', 'sage-agent-ca'];
    for (const name of names) fixture.write(name, 'value');
    const run = await runCli(['validate', 'pipelines', '--secrets-dir', '.'], { cwd: fixture.dir, env: { ML_CONNECTOR_SECRET_SAGE_AGENT_KEY: 'value' } });
    expect(run.stdout).toBe('ok: 1 file valid\n');
    expect(run.code).toBe(0);
  });
});

describe('validate as a real process', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it('prints file:line:col, exits 1 and shows no stack trace', () => {
    fixture.edit(EXAMPLE_PIPELINE, 'type: bamboohr-source', 'type: bamboohr-sourc');
    fixture.edit(DEPARTMENTS, 'to: YRD', 'to: YARD');
    const run = runCliProcess(['validate', '--offline', 'pipelines'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    const line = lineOf(fixture.read(EXAMPLE_PIPELINE), 'bamboohr-sourc');
    expect(run.stdout).toContain(`${EXAMPLE_PIPELINE}:${line}:`);
    expect(run.stdout).toMatch(/mappings\/departments\.yaml:\d+:\d+: error MLC_MAPPING_CODE_FORMAT/);
    expect(run.stdout).toMatch(/2 problems in 1 file/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a usage mistake, with a did-you-mean for the option', () => {
    const run = runCliProcess(['validate', '--ofline'], { cwd: fixture.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--ofline' (did you mean '--offline'?)");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 0 on the shipped example pipelines, as `npx ml-connector validate pipelines/`', () => {
    const run = runCliProcess(['validate', 'pipelines/'], {});
    expect(run.stdout).toContain('ok: 1 file valid');
    expect(run.code).toBe(0);
  });
});
