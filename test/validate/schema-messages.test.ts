// Schema errors read as advice, not as ajv's internals: one message per problem, naming the choice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

interface Report {
  diagnostics: { code: string; path: string; message: string }[];
}

const cases: { name: string; from: string; to: string; path: string; message: string }[] = [
  {
    name: 'two exclusive choices given at once',
    from: '    auth:\n      oauth:',
    to: '    auth:\n      apiKey: ${secret:k}\n      oauth:',
    path: '/source/config/auth',
    message: "has 'oauth' and 'apiKey'; use exactly one of 'oauth' or 'apiKey'",
  },
  { name: 'no choice given', from: '    auth:\n      apiKey: ${secret:sage-agent-key}', to: '    auth: {}', path: '/sink/config/auth', message: "needs one of 'apiKey' or 'mtls'" },
  { name: 'plain HTTP for the agent', from: 'url: https://sage-agent', to: 'url: http://sage-agent', path: '/sink/config/url', message: 'is not an https:// URL; credentials never travel over plain HTTP' },
  { name: 'no way to trust the certificate', from: '    tls:\n      ca: ${secret:sage-agent-ca}', to: '    tls: {}', path: '/sink/config/tls', message: "needs at least one of 'ca', 'fingerprint256'" },
  { name: 'a step with both an inline expression and a file', from: '    file: ../mappings/employee.jsonata', to: '    file: ../mappings/employee.jsonata\n    expression: id', path: '/steps/4', message: "has 'expression' and 'file'; use exactly one of 'expression' or 'file'" },
];

describe('schema messages', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it.each(cases)('$name', async ({ from, to, path, message }) => {
    fixture.edit(EXAMPLE_PIPELINE, from, to);
    const run = await runCli(['validate', '--offline', '--format', 'json', 'pipelines'], { cwd: fixture.dir });
    const report = JSON.parse(run.stdout) as Report;
    const here = report.diagnostics.filter((d) => d.path === path);
    expect(here.map((d) => d.message)).toEqual([expect.stringContaining(message)]);
    expect(run.code).toBe(1);
  });
});

describe('a misspelt reference', () => {
  it('is reported once, with the reference it was meant to be', async () => {
    const fixture = exampleFixture();
    try {
      fixture.edit(EXAMPLE_PIPELINE, 'apiKey: ${secret:sage-agent-key}', 'apiKey: ${secrte:sage-agent-key}');
      const run = await runCli(['validate', '--format', 'json', 'pipelines'], { cwd: fixture.dir });
      const here = (JSON.parse(run.stdout) as Report).diagnostics.filter((d) => d.path === '/sink/config/auth/apiKey');
      expect(here.map((d) => d.message)).toEqual(["'${secrte:sage-agent-key}' is not a ${secret:name} reference (did you mean '${secret:sage-agent-key}'?)"]);
      expect(run.code).toBe(1);
    } finally {
      fixture.remove();
    }
  });
});
