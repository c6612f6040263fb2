// validate accepts nothing that cannot run (issue: a pipeline that passes must not fail at run time
// for a reason validate could have seen). Each broken input: exit 1, its code, file:line:col, no stack.
import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from '../support/fixture.ts';

interface Report {
  valid: boolean;
  diagnostics: { code: string; file: string; line: number; col: number; message: string; hint?: string; severity: string }[];
}

/** 1-based line and column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`'${needle}' not in text`);
  const before = text.slice(0, index);
  return { line: before.split('\n').length, col: index - before.lastIndexOf('\n') };
}

const SCHEDULE = '"*/15 * * * *"';
const cron = (schedule: string): ((f: Fixture) => void) => (f) => f.edit(EXAMPLE_PIPELINE, SCHEDULE, JSON.stringify(schedule));

interface BadCase {
  name: string;
  breakIt(f: Fixture): void;
  code: string;
  file?: string;
  /** Text the position must point at (its first occurrence in the broken file). */
  at: string;
  message: RegExp;
}

const cases: BadCase[] = [
  { name: 'cron with four fields', breakIt: cron('*/15 * * *'), code: 'MLC_CRON_INVALID', at: '*/15 * * *"', message: /has 4 fields; cron needs 5/ },
  { name: 'cron hour 25', breakIt: cron('0 25 * * *'), code: 'MLC_CRON_INVALID', at: '25 * * *', message: /hour 25 is out of range \(0-23\)/ },
  { name: 'cron minute 60', breakIt: cron('60 * * * *'), code: 'MLC_CRON_INVALID', at: '60 * * * *', message: /minute 60 is out of range \(0-59\)/ },
  { name: 'cron step 0', breakIt: cron('*/0 * * * *'), code: 'MLC_CRON_INVALID', at: '0 * * * *"', message: /a step of 0 never advances/ },
  { name: 'cron day of week 8', breakIt: cron('0 2 * * 8'), code: 'MLC_CRON_INVALID', at: '8"', message: /day of week 8 is out of range \(0-7\)/ },
  { name: 'cron in prose', breakIt: cron('every 15 minutes'), code: 'MLC_CRON_INVALID', at: 'every 15', message: /is not a cron expression/ },
  { name: "cron with Jenkins' H", breakIt: cron('H/15 * * * *'), code: 'MLC_CRON_INVALID', at: 'H/15', message: /Jenkins/ },
  { name: 'cron on a date that never comes', breakIt: cron('0 2 31 2 *'), code: 'MLC_CRON_INVALID', at: '31 2 *', message: /day 31 never comes in February/ },
  { name: 'cron step wider than its field (node-cron lets it pass)', breakIt: cron('*/75 * * * *'), code: 'MLC_CRON_INVALID', at: '75 *', message: /step 75 is larger than the minute range/ },
  { name: 'time zone that does not exist', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '    mode: changed-since', '    mode: changed-since\n    timezone: Mars/Olympus'), code: 'MLC_TIMEZONE_UNKNOWN', at: 'Mars/Olympus', message: /'Mars\/Olympus' is not an IANA time zone/ },
  { name: 'misspelt time zone', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '    mode: changed-since', '    mode: changed-since\n    timezone: US/Eastrn'), code: 'MLC_TIMEZONE_UNKNOWN', at: 'US/Eastrn', message: /did you mean 'US\/Eastern'/ },
  {
    name: 'the same webhook path twice in one pipeline',
    breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '  - type: cron\n    schedule: "*/15', '  - type: webhook\n    path: /hooks/keystone/bamboohr\n    signingKey: ${secret:other}\n  - type: cron\n    schedule: "*/15'),
    code: 'MLC_DUPLICATE_WEBHOOK_PATH',
    at: '/hooks/keystone/bamboohr\n    signingKey: ${secret:other}',
    message: /already used by the trigger at line \d+/,
  },
  { name: "a table written to another segment than its own", breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '    from: department\n    to: segments.department', '    from: department\n    to: segments.location'), code: 'MLC_MAP_TARGET_MISMATCH', at: 'segments.location\n    onMissing: quarantine\n  - type: map\n    id: location', message: /codes are for segment 'department' \(mappings\/departments.yaml:\d+\) but this step writes them to 'segments.location'/ },
  { name: 'a to: naming no segment', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'to: segments.location', 'to: segments.locaton'), code: 'MLC_MAP_TARGET_UNKNOWN', at: 'segments.locaton', message: /did you mean 'segments.location'/ },
  { name: 'a from: field the source does not read', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, 'from: department', 'from: departmnet'), code: 'MLC_SOURCE_FIELD_NOT_READ', at: 'departmnet', message: /does not read 'departmnet' \(did you mean 'department'\?\)/ },
  { name: 'a call to a JSONata function that does not exist (inline)', breakIt: (f) => f.edit(EXAMPLE_PIPELINE, '$type(terminationDate)', '$typ(terminationDate)'), code: 'MLC_JSONATA_UNKNOWN_FUNCTION', at: '$typ(', message: /\$typ\(\) is not a JSONata function \(did you mean \$type\(\)\?\)/ },
  { name: 'a call to a JSONata function that does not exist (file)', breakIt: (f) => f.edit('mappings/employee.jsonata', '$trim(', '$trimm('), code: 'MLC_JSONATA_UNKNOWN_FUNCTION', file: 'mappings/employee.jsonata', at: '$trimm(', message: /did you mean \$trim\(\)/ },
  { name: 'a second pipeline in the folder with the same name', breakIt: (f) => f.write('pipelines/zz-copy.yaml', f.read(EXAMPLE_PIPELINE).replace('/hooks/keystone/bamboohr', '/hooks/other')), code: 'MLC_DUPLICATE_PIPELINE_NAME', file: 'pipelines/zz-copy.yaml', at: 'keystone-bamboohr-to-sage100', message: /already used by pipelines\/keystone-bamboohr-to-sage100.yaml:3:7/ },
  { name: 'a second pipeline in the folder with the same webhook path', breakIt: (f) => f.write('pipelines/zz-copy.yaml', f.read(EXAMPLE_PIPELINE).replace('name: keystone-bamboohr-to-sage100', 'name: another')), code: 'MLC_DUPLICATE_WEBHOOK_PATH', file: 'pipelines/zz-copy.yaml', at: '/hooks/keystone', message: /already used by pipelines\/keystone-bamboohr-to-sage100.yaml:\d+:\d+/ },
];

describe('validate refuses what cannot run', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it.each(cases)('$name', async (bad) => {
    bad.breakIt(fixture);
    const run = await runCli(['validate', '--offline', '--format', 'json', 'pipelines'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/\n\s+at /);
    const report = JSON.parse(run.stdout) as Report;
    const file = bad.file ?? EXAMPLE_PIPELINE;
    const found = report.diagnostics.find((d) => d.code === bad.code && d.file === file);
    expect(found, JSON.stringify(report.diagnostics, null, 2)).toBeDefined();
    expect(found?.message).toMatch(bad.message);
    expect(found?.severity).toBe('error');
    expect(found?.hint ?? '').not.toBe('');
    expect({ line: found?.line, col: found?.col }).toEqual(positionOf(fixture.read(file), bad.at));
  });

  it.each(['@hourly', '@daily', '0 0 * * MON-FRI', '0 2 * * 7'])('accepts the schedule %s', async (schedule) => {
    cron(schedule)(fixture);
    const run = await runCli(['validate', '--offline', 'pipelines'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/^ok: 1 file valid/);
    expect(run.code).toBe(0);
  });

  it('pipelines of different folders may share a name and a webhook path (each folder runs on its own)', async () => {
    mkdirSync(fixture.path('pipelines/other'));
    fixture.write('pipelines/other/copy.yaml', fixture.read(EXAMPLE_PIPELINE).replace(/\.\.\/mappings\//g, '../../mappings/'));
    const run = await runCli(['validate', '--offline', 'pipelines'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/^ok: 2 files valid/);
    expect(run.code).toBe(0);
  });

  it('a mapping table validated with no pipeline says which checks need one', async () => {
    const run = await runCli(['validate', '--format', 'json', 'mappings/departments.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'MLC_MAPPING_NEEDS_PIPELINE', severity: 'info', message: expect.stringMatching(/codes were not checked against a sink's account format/) })]);
    const together = JSON.parse((await runCli(['validate', '--offline', '--format', 'json', 'pipelines', 'mappings/departments.yaml'], { cwd: fixture.dir })).stdout) as Report;
    expect(together.diagnostics.filter((d) => d.code === 'MLC_MAPPING_NEEDS_PIPELINE')).toEqual([]);
  });
});
