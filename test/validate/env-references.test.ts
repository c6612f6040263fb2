// `${env:NAME}` may stand in any string: accepted as written, checked once resolved against the
// same rules as an inline value (the error names the variable, the field and the form), and
// --offline says once that it could not check them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

interface Report {
  valid: boolean;
  diagnostics: { code: string; file: string; line: number; col: number; path: string; message: string; hint?: string; severity: string }[];
}

const SECRETS = { ML_CONNECTOR_SECRETS_DIR: '.' };
const SECRET_NAMES = ['bamboohr-client-secret', 'bamboohr-refresh-token', 'bamboohr-webhook-key', 'sage-agent-ca', 'sage-agent-key'];

describe('${env:…} in any string', () => {
  let fixture: Fixture;
  const validate = async (env: NodeJS.ProcessEnv, offline = false): Promise<{ code: number; report: Report }> => {
    const run = await runCli(['validate', '--format', 'json', ...(offline ? ['--offline'] : []), 'pipelines'], { cwd: fixture.dir, env: { ...SECRETS, ...env } });
    expect(run.stderr).toBe('');
    return { code: run.code, report: JSON.parse(run.stdout) as Report };
  };
  beforeEach(() => {
    fixture = exampleFixture();
    for (const name of SECRET_NAMES) fixture.write(name, 'value');
  });
  afterEach(() => fixture.remove());

  it('company: ${env:SAGE_COMPANY} passes with KBS and fails with kbs-1, naming the variable, the field and the form', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'company: KBS', 'company: ${env:SAGE_COMPANY}');
    const good = await validate({ SAGE_COMPANY: 'KBS' });
    expect(good.report.diagnostics).toEqual([]);
    expect(good.code).toBe(0);
    const bad = await validate({ SAGE_COMPANY: 'kbs-1' });
    expect(bad.code).toBe(1);
    const line = fixture.read(EXAMPLE_PIPELINE).split('\n').findIndex((l) => l.includes('SAGE_COMPANY')) + 1;
    expect(bad.report.diagnostics).toEqual([
      expect.objectContaining({ code: 'MLC_ENV_INVALID', path: '/sink/config/company', line, severity: 'error', message: expect.stringMatching(/^company comes from SAGE_COMPANY, whose value does not fit: .*kbs-1.* does not have the expected form \(\^\[A-Z0-9\]\{3\}\$\)/) }),
    ]);
  });

  it('--offline accepts env references and says once that they were not checked', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'company: KBS', 'company: ${env:SAGE_COMPANY}');
    fixture.edit(EXAMPLE_PIPELINE, 'subdomain: keystone', 'subdomain: ${env:BAMBOOHR_SUBDOMAIN}');
    fixture.edit(EXAMPLE_PIPELINE, 'url: https://sage-agent.keystone.internal:8443', 'url: https://${env:SAGE_AGENT_HOST}:8443');
    fixture.edit(EXAMPLE_PIPELINE, 'path: /hooks/keystone/bamboohr', 'path: ${env:HOOK_PATH}');
    fixture.edit(EXAMPLE_PIPELINE, 'table: ../mappings/locations.yaml', 'table: ${env:LOCATIONS_TABLE}');
    const { code, report } = await validate({}, true);
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_ENV_UNCHECKED', severity: 'info', message: '5 values taken from the environment were not checked against their fields: --offline' })]);
    expect(code).toBe(0);
  });

  it('resolves subdomain, url, path and table: and checks each against its field', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'subdomain: keystone', 'subdomain: ${env:BAMBOOHR_SUBDOMAIN}');
    fixture.edit(EXAMPLE_PIPELINE, 'url: https://sage-agent.keystone.internal:8443', 'url: https://${env:SAGE_AGENT_HOST}:8443');
    fixture.edit(EXAMPLE_PIPELINE, 'table: ../mappings/locations.yaml', 'table: ${env:LOCATIONS_TABLE}');
    const good = await validate({ BAMBOOHR_SUBDOMAIN: 'keystone', SAGE_AGENT_HOST: 'sage.internal', LOCATIONS_TABLE: '../mappings/locations.yaml' });
    expect(good.report.diagnostics).toEqual([]);
    const bad = await validate({ BAMBOOHR_SUBDOMAIN: 'Key Stone', SAGE_AGENT_HOST: 'bad host', LOCATIONS_TABLE: '../mappings/nowhere.yaml' });
    expect(bad.code).toBe(1);
    expect(bad.report.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'MLC_ENV_INVALID', path: '/source/config/subdomain', message: expect.stringContaining('subdomain comes from BAMBOOHR_SUBDOMAIN') }),
        expect.objectContaining({ code: 'MLC_ENV_INVALID', path: '/sink/config/url', message: expect.stringContaining('url comes from SAGE_AGENT_HOST') }),
        expect.objectContaining({ code: 'MLC_REF_MISSING_FILE', path: '/steps/3/table', message: "mapping table '../mappings/nowhere.yaml' (from '${env:LOCATIONS_TABLE}') does not exist" }),
      ]),
    );
  });

  it('an env reference in a secret field is still refused: environment values are not secrets', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'apiKey: ${secret:sage-agent-key}', 'apiKey: ${env:SAGE_KEY}');
    const { code, report } = await validate({ SAGE_KEY: 'k' }, true);
    expect(code).toBe(1);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'MLC_SCHEMA_INVALID', path: '/sink/config/auth/apiKey' }));
  });
});
