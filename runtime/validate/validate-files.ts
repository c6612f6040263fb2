// `validate` as a function: classifies each file (pipeline, mapping table, JSONata, cases) and runs
// the checks that apply. Handy to call from tests and from `plan`/`run` before they start.
import { relative } from 'node:path';
import type { Diagnostic } from '../load/diagnostic.ts';
import { loadPipeline, type LoadOptions } from '../load/load-pipeline.ts';
import { loadMappingTable, type MappingLoad } from '../load/mapping-table.ts';
import { compileExpression } from '../lib/jsonata.ts';
import { readTextFile } from '../load/read-text.ts';

export type FileKind = 'pipeline' | 'mapping' | 'jsonata' | 'cases';

export interface FileReport {
  file: string;
  kind: FileKind;
  diagnostics: Diagnostic[];
}

export const isCasesFile = (name: string): boolean => /\.cases\.ya?ml$/.test(name);
export const isCheckedFile = (name: string): boolean => /\.(ya?ml|jsonata)$/.test(name);

/** Mapping tables have rows and no source; cases files are named *.cases.yaml; the rest are pipelines. */
export function classify(path: string, text: string): FileKind {
  if (path.endsWith('.jsonata')) return 'jsonata';
  if (isCasesFile(path)) return 'cases';
  if (/^rows\s*:/m.test(text) && !/^source\s*:/m.test(text)) return 'mapping';
  return 'pipeline';
}

export async function validateFiles(paths: readonly string[], options: LoadOptions): Promise<FileReport[]> {
  const tableCache = options.tableCache ?? new Map<string, Promise<MappingLoad>>();
  const reports: FileReport[] = [];
  for (const path of paths) {
    const file = relative(options.cwd, path) || path;
    const read = await readTextFile(path, 'parse', file);
    if (!read.ok) {
      reports.push({ file, kind: 'pipeline', diagnostics: [read.diagnostic] });
      continue;
    }
    const kind = classify(path, read.text);
    if (kind === 'cases') continue; // checked by `ml-connector test`, which runs them
    if (kind === 'pipeline') {
      const result = await loadPipeline(path, { ...options, tableCache });
      reports.push({ file, kind, diagnostics: result.diagnostics });
    } else if (kind === 'mapping') {
      let loading = tableCache.get(path);
      if (!loading) {
        loading = loadMappingTable(path, file);
        tableCache.set(path, loading);
      }
      reports.push({ file, kind, diagnostics: (await loading).diagnostics });
    } else {
      const compiled = compileExpression(read.text);
      const diagnostics: Diagnostic[] = [];
      if (!compiled.ok) {
        const before = read.text.slice(0, compiled.error.offset);
        diagnostics.push({ code: 'MLC_JSONATA_SYNTAX', phase: 'expressions', file, line: before.split('\n').length, col: compiled.error.offset - before.lastIndexOf('\n'), path: '', message: `${compiled.error.message} (${compiled.error.code})` });
      }
      reports.push({ file, kind, diagnostics });
    }
  }
  return dedupeShared(reports);
}

/** A broken table used by several pipelines is reported once, against the first file that met it. */
function dedupeShared(reports: FileReport[]): FileReport[] {
  const seen = new Set<string>();
  return reports.map((report) => ({
    ...report,
    diagnostics: report.diagnostics.filter((d) => {
      const key = `${d.code}|${d.file}|${d.line}|${d.col}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  }));
}
