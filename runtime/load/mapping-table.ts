// Mapping tables: loading, the row lookup used at run time, and the checks `validate` runs on them.
import type { CodeFormat } from '../connectors/definition.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import type { Diagnostic } from './diagnostic.ts';
import type { MappingTableFile } from './mapping.types.generated.ts';
import { csvTableDocument } from './csv-table.ts';
import { readTextFile } from './read-text.ts';
import { checkSchema } from './schema-check.ts';
import { mappingSchema, reportingValidator } from './schemas.ts';
import { parseYamlFile, type YamlFile } from './yaml-file.ts';

export interface MappingRow {
  from: string;
  to: string;
  description?: string;
  index: number;
}

export interface MappingTable {
  file: string;
  name: string;
  segment: string;
  default?: string;
  rows: MappingRow[];
  /** The row for a source value (trimmed; case-insensitive unless the table says otherwise). */
  lookup(value: unknown): MappingRow | undefined;
  yaml: YamlFile;
}

export function normalizeKey(value: string, caseSensitive: boolean): string {
  const trimmed = value.trim();
  return caseSensitive ? trimmed : trimmed.toLowerCase();
}

export type MappingLoad = { table?: MappingTable; diagnostics: Diagnostic[] };

export async function loadMappingTable(path: string, displayName: string): Promise<MappingLoad> {
  const read = await readTextFile(path, 'mappings', displayName);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  let yaml: YamlFile;
  if (/\.csv$/i.test(path)) {
    const csv = csvTableDocument(displayName, read.text.replace(/\r\n?/g, '\n'));
    if ('problems' in csv) return { diagnostics: csv.problems.map((p) => ({ code: 'MLC_CSV_SYNTAX', phase: 'mappings', file: displayName, path: '', ...p })) };
    yaml = csv;
  } else {
    const parsed = parseYamlFile(displayName, read.text);
    if (!parsed.ok) return { diagnostics: parsed.diagnostics.map((d) => ({ ...d, phase: 'mappings' })) };
    yaml = parsed.yaml;
  }
  const schemaDiagnostics = checkSchema(reportingValidator(mappingSchema), yaml.value, yaml, { phase: 'mappings', rootSchema: mappingSchema });
  if (schemaDiagnostics.length > 0) return { diagnostics: schemaDiagnostics };
  const data = yaml.value as MappingTableFile;
  const caseSensitive = data.caseSensitive ?? false;
  const rows: MappingRow[] = data.rows.map((r, index) => ({ from: r.from, to: r.to, ...(r.description ? { description: r.description } : {}), index }));
  const byKey = new Map<string, MappingRow>();
  const diagnostics: Diagnostic[] = [];
  for (const row of rows) {
    const key = normalizeKey(row.from, caseSensitive);
    const first = byKey.get(key);
    if (first) {
      const firstAt = yaml.locate(`/rows/${first.index}/from`);
      diagnostics.push({
        code: 'MLC_MAPPING_DUPLICATE_KEY',
        phase: 'mappings',
        file: displayName,
        ...yaml.locate(`/rows/${row.index}/from`),
        path: `/rows/${row.index}/from`,
        message: `duplicate source value '${row.from}' (first at line ${firstAt.line}${caseSensitive ? '' : '; values are compared without case'})`,
        hint: 'keep one row per source value',
      });
      continue;
    }
    byKey.set(key, row);
  }
  const table: MappingTable = {
    file: displayName,
    name: data.name,
    segment: data.target.segment,
    ...(data.default !== undefined ? { default: data.default } : {}),
    rows,
    lookup: (value) => (typeof value === 'string' ? byKey.get(normalizeKey(value, caseSensitive)) : undefined),
    yaml,
  };
  return { table, diagnostics };
}

function codeProblem(code: string, format: CodeFormat, segment: string): string | undefined {
  if (code.length > format.length) return `code '${code}' is ${code.length} characters; segment '${segment}' allows ${format.length}`;
  if (format.charset === 'numeric' && !/^[0-9]+$/.test(code)) return `code '${code}' must be digits only: segment '${segment}' is numeric`;
  if (format.charset === 'alphanumeric' && !/^[A-Za-z0-9]+$/.test(code)) return `code '${code}' may contain only letters and digits: segment '${segment}' is alphanumeric`;
  return undefined;
}

/** Checks every code (and the default) against the sink's format for the table's target segment. */
export function checkMappingCodes(table: MappingTable, formats: Record<string, CodeFormat>): Diagnostic[] {
  const format = formats[table.segment];
  const at = (pointer: string): Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'> => ({ file: table.file, ...table.yaml.locate(pointer), path: pointer });
  if (!format) {
    const names = Object.keys(formats);
    const suggestion = closestMatch(table.segment, names);
    return [
      {
        code: 'MLC_MAPPING_SEGMENT_UNKNOWN',
        phase: 'mappings',
        ...at('/target/segment'),
        message: `segment '${table.segment}' is not in the sink's account format${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
        hint: `segments: ${names.join(', ')}`,
      },
    ];
  }
  const diagnostics: Diagnostic[] = [];
  const check = (code: string, pointer: string): void => {
    const problem = codeProblem(code, format, table.segment);
    if (problem) diagnostics.push({ code: 'MLC_MAPPING_CODE_FORMAT', phase: 'mappings', ...at(pointer), message: problem, hint: `${format.charset}, at most ${format.length} characters` });
  };
  for (const row of table.rows) check(row.to, `/rows/${row.index}/to`);
  if (table.default !== undefined) check(table.default, '/default');
  return diagnostics;
}
