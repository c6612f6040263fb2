// What every expression can read besides its input. Mapping tables are bound so an aggregate can
// emit segment codes with their descriptions ($tables.departments.descriptions.WHS), and the sink's
// config (references unresolved, so no secret) so a cost-center separator is written once, in the
// sink's accountFormat, and read as $sink.accountFormat.separator.
import type { MappingTable } from '../load/mapping-table.ts';

export interface BoundTable {
  segment: string;
  rows: { from: string; to: string; description?: string }[];
  /** Code → description, for the first row of each code. */
  descriptions: Record<string, string>;
}

export function tableBinding(table: MappingTable): BoundTable {
  const descriptions: Record<string, string> = {};
  for (const row of table.rows) if (row.description !== undefined && !(row.to in descriptions)) descriptions[row.to] = row.description;
  return { segment: table.segment, rows: table.rows.map((r) => ({ from: r.from, to: r.to, ...(r.description !== undefined ? { description: r.description } : {}) })), descriptions };
}

export function expressionBindings(tables: Iterable<MappingTable>, sinkConfig: unknown, runAt: Date): Record<string, unknown> {
  const bound: Record<string, BoundTable> = {};
  for (const table of tables) bound[table.name] = tableBinding(table);
  // $runDate (the run's UTC day) lets an expression that needs only the day or the month say so: a
  // partitioned aggregate keeps its partitions' items while the bindings it names are unchanged.
  const iso = runAt.toISOString();
  return { tables: bound, sink: sinkConfig, runAt: iso, runDate: iso.slice(0, 10) };
}
