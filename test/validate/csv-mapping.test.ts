// CSV mapping tables get the same checks, with positions, as YAML ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

const CSV = `# Keystone locations, exported from the controller's spreadsheet
# name: locations
# segment: location
from,to,description,note
"Harrisburg, PA",01,"Harrisburg yard, HQ",
"Lancaster, PA",02,Lancaster branch,"opened 2019, ""north"" lot"
"York, PA",03,York branch,
`;

interface Report {
  valid: boolean;
  diagnostics: { code: string; file: string; line: number; col: number; message: string }[];
}

describe('CSV mapping tables', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
    fixture.write('mappings/locations.csv', CSV);
    fixture.edit(EXAMPLE_PIPELINE, '../mappings/locations.yaml', '../mappings/locations.csv');
  });
  afterEach(() => fixture.remove());

  const validate = async (): Promise<Report> => JSON.parse((await runCli(['validate', '--offline', '--format', 'json', 'pipelines', 'mappings/locations.csv'], { cwd: fixture.dir })).stdout) as Report;

  it('validates a pipeline that uses one, quoted commas and quotes included', async () => {
    expect((await validate()).diagnostics).toEqual([]);
  });

  it('points at the cell of a code too long for its segment', async () => {
    fixture.edit('mappings/locations.csv', '"York, PA",03,', '"York, PA",003,');
    const report = await validate();
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'MLC_MAPPING_CODE_FORMAT', file: 'mappings/locations.csv', line: 7, col: 12 }));
  });

  it('points at the row of a duplicate source value', async () => {
    fixture.write('mappings/locations.csv', `${CSV}"york, pa",05,,\n`);
    const report = await validate();
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'MLC_MAPPING_DUPLICATE_KEY', line: 8, col: 1 }));
  });

  it('names an unknown setting line with a suggestion', async () => {
    fixture.edit('mappings/locations.csv', '# segment: location', '# segment: location\n# defualt: 01');
    const report = await validate();
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'MLC_SCHEMA_UNKNOWN_KEY', line: 4, message: expect.stringContaining("did you mean 'default'") }));
  });

  it('points at a quoted field that is never closed, once, instead of a missing column further on', async () => {
    fixture.edit('mappings/locations.csv', '"York, PA",03,', '"York, PA,03,');
    const report = await validate();
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_CSV_SYNTAX', file: 'mappings/locations.csv', line: 7, col: 1, message: 'a quoted field opened here is never closed' })]);
    expect(report.valid).toBe(false);
  });

  it.each([
    ['text after a closing quote', '"York, PA",03,', '"York" PA,03,', 7, 7, /text after a closing quote/],
    ['a row with more fields than the header', '"York, PA",03,York branch,', '"York, PA",03,York branch,,extra', 7, 28, /this row has 5 fields; the header has 4/],
    ['a row with fewer fields than the header', '"York, PA",03,York branch,', '"York, PA",03', 7, 14, /this row has 2 fields; the header has 4/],
  ])('reports %s as MLC_CSV_SYNTAX at the character', async (_name, from, to, line, col, message) => {
    fixture.edit('mappings/locations.csv', from, to);
    const report = await validate();
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_CSV_SYNTAX', file: 'mappings/locations.csv', line, col, message: expect.stringMatching(message) })]);
    expect(report.valid).toBe(false);
  });

  it('points at the opening quote of a field not closed before the end of its row (two rows merged)', async () => {
    fixture.write('mappings/locations.csv', '# name: locations\n# segment: location\nfrom,to\n"Lancaster, PA,02\n"York, PA",03\n');
    const report = await validate();
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_CSV_SYNTAX', line: 4, col: 1, message: expect.stringMatching(/not closed before the end of its row/) })]);
  });

  it('says so when the fields are separated by semicolons', async () => {
    fixture.write('mappings/locations.csv', '# name: locations\n# segment: location\nfrom;to;description;note\nYork PA;03;York branch;\n');
    const report = await validate();
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_CSV_SYNTAX', line: 3, col: 5, message: 'the fields are separated by semicolons; mapping tables use commas' })]);
  });

  it('runs cases against a CSV table', async () => {
    fixture.write('mappings/locations.cases.yaml', 'subject: locations.csv\ncases:\n  - { name: york, input: \"York, PA\", expected: \"03\" }\n');
    const run = await runCli(['test', 'mappings/locations.cases.yaml'], { cwd: fixture.dir });
    expect(run.stdout).toContain('locations.csv: 1 passed, 0 failed');
    expect(run.stdout).toMatch(/rows no case exercised: 'Harrisburg, PA' \(line 5\), 'Lancaster, PA' \(line 6\)/);
  });
});
