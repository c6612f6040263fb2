// Messages that point at the cause, in the user's terms (issue 8 item 2): each case names what is
// wrong where it is wrong, once, without a stack trace.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

interface Diagnostic {
  code: string;
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  hint?: string;
}

const lineWith = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('messages that point at the cause', () => {
  let fixture: Fixture;
  const diagnostics = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Diagnostic[]> => {
    const run = await runCli(['validate', '--format', 'json', ...args], { cwd: fixture.dir, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    return (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  };
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it('a key indented less than its neighbours: one message at the key, naming the key it should line up with', async () => {
    fixture.edit(EXAMPLE_PIPELINE, '    auth:\n      oauth:', '   auth:\n      oauth:');
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([
      expect.objectContaining({ code: 'MLC_YAML_SYNTAX', line: lineWith(fixture.read(EXAMPLE_PIPELINE), '   auth:'), col: 4, message: `'auth' (column 4) does not line up with 'subdomain' on line ${lineWith(fixture.read(EXAMPLE_PIPELINE), 'subdomain: keystone')} (column 5)` }),
    ]);
  });

  it('a key indented further than the one above it: one message at the key, not the parser\'s two', async () => {
    fixture.edit(EXAMPLE_PIPELINE, '    id: employed', '      id: employed');
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([
      expect.objectContaining({ code: 'MLC_YAML_SYNTAX', line: lineWith(fixture.read(EXAMPLE_PIPELINE), 'id: employed'), col: 7, message: expect.stringMatching(/^'id' is indented further than 'type' on line \d+/), hint: expect.stringContaining("line 'id' up with 'type' (column 5)") }),
    ]);
  });

  it('a code YAML reads as a number suggests quoting it', async () => {
    fixture.edit('mappings/locations.yaml', 'to: "03"', 'to: 03');
    expect(await diagnostics(['--offline', 'pipelines'])).toContainEqual(expect.objectContaining({ file: 'mappings/locations.yaml', message: 'must be string; YAML reads 03 as the number 3', hint: 'put it in quotes to keep it as written: "03"' }));
  });

  it('a UTF-16 file says to save it as UTF-8', async () => {
    fixture.write(EXAMPLE_PIPELINE, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture.read(EXAMPLE_PIPELINE), 'utf16le')]));
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([expect.objectContaining({ code: 'MLC_FILE_NOT_TEXT', message: expect.stringContaining('UTF-16'), hint: expect.stringContaining('save it as UTF-8') })]);
  });

  it('a reference without its closing brace says so', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'apiKey: ${secret:sage-agent-key}', 'apiKey: ${secret:sage-agent-key');
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([expect.objectContaining({ path: '/sink/config/auth/apiKey', message: "'${secret:sage-agent-key' has no closing brace (did you mean '${secret:sage-agent-key}'?)" })]);
  });

  it('a URL with no scheme says so', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'url: https://sage-agent', 'url: sage-agent');
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([expect.objectContaining({ path: '/sink/config/url', message: expect.stringContaining("has no scheme (did you mean 'https://sage-agent.keystone.internal:8443'?)") })]);
  });

  it('a misspelt required key is one error, not also a missing key', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'subdomain: keystone', 'subdomian: keystone');
    expect(await diagnostics(['--offline', 'pipelines'])).toEqual([expect.objectContaining({ code: 'MLC_SCHEMA_UNKNOWN_KEY', message: "unknown key 'subdomian' (did you mean 'subdomain'?)" })]);
  });

  it('a missing secret names the variable it could be in; an empty secret file is not a secret', async () => {
    for (const name of ['bamboohr-client-secret', 'bamboohr-refresh-token', 'bamboohr-webhook-key', 'sage-agent-ca']) fixture.write(name, 'value');
    fixture.write('sage-agent-key', '\n');
    const found = await diagnostics(['pipelines', '--secrets-dir', '.']);
    expect(found).toEqual([expect.objectContaining({ code: 'MLC_SECRET_MISSING', message: "secret 'sage-agent-key' is not stored", hint: expect.stringContaining('ML_CONNECTOR_SECRET_SAGE_AGENT_KEY') })]);
  });

  it('a --secrets-dir that does not exist is one usage error', async () => {
    const run = await runCli(['validate', 'pipelines', '--secrets-dir', 'no-such-dir'], { cwd: fixture.dir, env: {} });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain("--secrets-dir 'no-such-dir' is not a directory");
  });
});
