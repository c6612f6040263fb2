// Mapping coverage: the values a source field can take today (the source's live option list) against
// the mapping table a map step looks them up in. A value with no row is a record that will be
// quarantined (or fail the run, or book to the default, or be dropped — per the step's onMissing);
// a row whose value no longer exists is dead weight worth a look. Both are found before any record.
import type { ReadOptions } from '../connectors/definition.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import type { LoadedPipeline } from '../load/load-pipeline.ts';
import type { MapStep } from '../load/pipeline.types.generated.ts';

export interface FieldCoverage {
  step: string;
  field: string;
  table: string;
  /** undefined: the source has no option list for this field, so it could not be checked. */
  values?: number;
  unmapped: string[];
  staleRows: string[];
}

export type OptionValues = (field: string, options: ReadOptions) => Promise<string[] | undefined>;

const CONSEQUENCE: Record<NonNullable<MapStep['onMissing']>, string> = {
  quarantine: 'its records will be quarantined (MLC_MAPPING_UNMAPPED) until a row is added',
  fail: 'a record with it will stop the run (onMissing: fail)',
  default: "its records will book to the table's default code",
  skip: 'its records will be dropped (onMissing: skip)',
};

export async function checkCoverage(loaded: LoadedPipeline, optionValues: OptionValues, options: ReadOptions): Promise<{ fields: FieldCoverage[]; diagnostics: Diagnostic[] }> {
  const fields: FieldCoverage[] = [];
  const diagnostics: Diagnostic[] = [];
  const steps = loaded.pipeline.steps ?? [];
  for (const [index, raw] of steps.entries()) {
    const table = loaded.tables.get(index);
    if (raw.type !== 'map' || !table) continue;
    const step = raw as MapStep;
    const label = step.id ?? `steps[${index}]`;
    const values = await optionValues(step.from, options);
    if (values === undefined) {
      fields.push({ step: label, field: step.from, table: table.file, unmapped: [], staleRows: [] });
      diagnostics.push({
        code: 'MLC_COVERAGE_UNCHECKED',
        phase: 'coverage',
        severity: 'info',
        file: loaded.file,
        line: 0,
        col: 0,
        path: `/steps/${index}/from`,
        message: `step '${label}': the source offers no list of the values '${step.from}' can take, so ${table.file} could not be checked against it`,
      });
      continue;
    }
    const used = new Set<number>();
    const unmapped: string[] = [];
    for (const value of values) {
      const row = table.lookup(value);
      if (row) used.add(row.index);
      else unmapped.push(value);
    }
    const stale = table.rows.filter((r) => !used.has(r.index));
    fields.push({ step: label, field: step.from, table: table.file, values: values.length, unmapped, staleRows: stale.map((r) => r.from) });
    const onMissing = step.onMissing ?? 'quarantine';
    const rowsAt = table.yaml.locate('/rows', { key: true });
    for (const value of unmapped) {
      diagnostics.push({
        code: 'MLC_COVERAGE_UNMAPPED',
        phase: 'coverage',
        ...(onMissing === 'quarantine' || onMissing === 'fail' ? {} : { severity: 'warning' as const }),
        file: table.file,
        line: rowsAt.line,
        col: rowsAt.col,
        path: '/rows',
        message: `'${value}' is a live value of ${step.from} with no row in ${table.name}: ${CONSEQUENCE[onMissing]}`,
        hint: `add a row such as { from: ${JSON.stringify(value)}, to: CODE }`,
      });
    }
    for (const row of stale) {
      const at = table.yaml.locate(`/rows/${row.index}/from`);
      diagnostics.push({
        code: 'MLC_COVERAGE_STALE_ROW',
        phase: 'coverage',
        severity: 'warning',
        file: table.file,
        line: at.line,
        col: at.col,
        path: `/rows/${row.index}/from`,
        message: `row '${row.from}' matches no live value of ${step.from} (renamed, archived or removed at the source?)`,
      });
    }
  }
  return { fields, diagnostics };
}
