// A field name the source does not know is a warning with did-you-mean (customers add their own
// fields); the source says what it knows through its definition's knownFields.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorDefinitions } from '../../connectors/index.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';
import { validateFiles } from '../../runtime/validate/validate-files.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

const KNOWN = ['firstName', 'lastName', 'employeeNumber', 'status', 'department', 'division', 'location', 'jobTitle', 'hireDate', 'terminationDate', 'lastChanged'];
const registry = createRegistry(connectorDefinitions.map((d) => (d.kind === 'source' ? { ...d, knownFields: () => KNOWN } : d)));

describe('source field names', () => {
  let fixture: Fixture;
  const validate = async () => {
    const [report] = await validateFiles([fixture.path(EXAMPLE_PIPELINE)], { registry, cwd: fixture.dir, env: {}, secrets: createSecretResolver({ dataDir: '/nonexistent/ml-connector-test', env: {} }), offline: true });
    return report?.diagnostics ?? [];
  };
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it('accepts the example, whose fields the source knows', async () => {
    expect(await validate()).toEqual([]);
  });

  it('warns about a field in fields: it does not know, at the name, with the closest known one', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'fields: [firstName,', 'fields: [fristName,');
    const line = fixture.read(EXAMPLE_PIPELINE).split('\n').findIndex((l) => l.includes('fristName')) + 1;
    const diagnostics = await validate();
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'MLC_SOURCE_FIELD_UNKNOWN', severity: 'warning', line, col: 14, message: "the source does not know a field 'fristName' (did you mean 'firstName'?)" }));
    expect(diagnostics.filter((d) => d.severity === undefined)).toEqual([]);
  });

  it('warns about a from: field it does not know when the config does not list its fields', async () => {
    fixture.edit(EXAMPLE_PIPELINE, /    fields: \[.*\]\n/, '');
    fixture.edit(EXAMPLE_PIPELINE, 'from: division', 'from: divison');
    const diagnostics = await validate();
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'MLC_SOURCE_FIELD_UNKNOWN', severity: 'warning', path: '/steps/1/from', message: expect.stringContaining("(did you mean 'division'?)") })]);
  });
});
