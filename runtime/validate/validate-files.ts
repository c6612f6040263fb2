// `validate` as a function: classifies each file (pipeline, mapping table, JSONata, cases) and runs
// the checks that apply. Handy to call from tests and from `plan`/`run` before they start.
import { relative } from 'node:path';
import { isError, type Diagnostic } from '../load/diagnostic.ts';
import { getOrCreate } from '../util/get-or-create.ts';
import { compileExpressionFile, type Compiled } from '../load/expression-file.ts';
import { loadPipeline, type LoadOptions, type PipelineIdentity } from '../load/load-pipeline.ts';
import { loadMappingTable, type MappingLoad } from '../load/mapping-table.ts';
import { readTextFile } from '../load/read-text.ts';
import { inFlight } from '../util/in-flight.ts';
import { checkFolderUniqueness, type IdentifiedPipeline } from './folder-uniqueness.ts';
import { isMap, isScalar, parseYamlDocument } from '../lib/yaml.ts';

/** `other`: YAML with none of our top-level keys (an OpenAPI file, a CI config), skipped when found by walking. */
export type FileKind = 'pipeline' | 'mapping' | 'jsonata' | 'cases' | 'other';

export interface FileReport {
  file: string;
  kind: FileKind;
  diagnostics: Diagnostic[];
}

export const isCasesFile = (name: string): boolean => /\.cases\.ya?ml$/.test(name);
export const isCheckedFile = (name: string): boolean => /\.(ya?ml|jsonata|csv)$/.test(name);

const PIPELINE_KEYS = ['version', 'name', 'description', 'source', 'sink', 'triggers', 'steps', 'policies'];

/** Mapping tables have rows and no source; cases files are named *.cases.yaml; the rest are pipelines. */
export function classify(path: string, text: string): FileKind {
  if (path.endsWith('.jsonata')) return 'jsonata';
  if (/\.csv$/i.test(path)) return 'mapping';
  if (isCasesFile(path)) return 'cases';
  if (isForeignYaml(text)) return 'other';
  // The usual block style is decided from the text; anything else (flow style, quoted or indented
  // keys) from the parsed top-level keys, so such a pipeline is checked rather than skipped.
  if (/^rows\s*:/m.test(text) && !/^source\s*:/m.test(text)) return 'mapping';
  if (/^(version|name|description|source|sink|triggers|steps|policies)\s*:/m.test(text)) return 'pipeline';
  const keys = topLevelKeys(text);
  if (keys.includes('rows') && !keys.includes('source')) return 'mapping';
  return keys.some((k) => PIPELINE_KEYS.includes(k)) ? 'pipeline' : 'other';
}

/**
 * YAML of other tools that shares a key with pipelines (docker-compose's `version`, a Helm chart's
 * `name`/`version`/`description`): Kubernetes-style `apiVersion`/`kind`, compose `services`, OpenAPI,
 * or Go template actions (`{{ .Values… }}`, `{{- include … }}`) that only Helm's templates contain.
 */
function isForeignYaml(text: string): boolean {
  return /^(apiVersion|kind|services|openapi|swagger)\s*:/m.test(text) || /\{\{-?\s*[.$a-z]/.test(text);
}

/** The keys of a YAML document that is a mapping; none when it is not one or does not parse. */
function topLevelKeys(text: string): string[] {
  const { document } = parseYamlDocument(text);
  const root = document.contents;
  if (document.errors.length > 0 || !isMap(root)) return [];
  return root.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
}

/** Files are checked a few at a time: the work is mostly waiting on the file system. */
const CONCURRENCY = 8;

/** Checks each file; files in `named` were given by the user and are checked even when they look foreign. */
export async function validateFiles(paths: readonly string[], options: LoadOptions, named: ReadonlySet<string> = new Set()): Promise<FileReport[]> {
  const shared: LoadOptions = {
    ...options,
    tableCache: options.tableCache ?? new Map<string, Promise<MappingLoad>>(),
    expressionCache: options.expressionCache ?? new Map<string, Promise<Compiled>>(),
  };
  const checked = await inFlight(paths, CONCURRENCY, (path) => validateOne(path, shared, named));
  const reports = checked.map((c) => c?.report);
  const identified = checked.map((c, index): IdentifiedPipeline | undefined => (c?.identity && c.report ? { path: paths[index] as string, file: c.report.file, identity: c.identity } : undefined));
  const pipelines = identified.filter((p): p is IdentifiedPipeline => p !== undefined);
  const repeats = checkFolderUniqueness(pipelines);
  const usedTables = new Set(pipelines.flatMap((p) => p.identity.tables));
  const all = reports.map((r, index) => {
    if (!r) return undefined;
    const alone = r.kind === 'mapping' && !usedTables.has(paths[index] as string) && !r.diagnostics.some(isError) ? [checkedAlone(r.file)] : [];
    return { ...r, diagnostics: [...r.diagnostics, ...(repeats.get(r.file) ?? []), ...alone] };
  });
  return dedupeShared(all.filter((r): r is FileReport => r !== undefined));
}

async function validateOne(path: string, options: LoadOptions, named: ReadonlySet<string>): Promise<{ report: FileReport; identity?: PipelineIdentity } | undefined> {
  const file = relative(options.cwd, path) || path;
  const read = await readTextFile(path, 'parse', file);
  if (!read.ok) return { report: { file, kind: 'pipeline', diagnostics: [read.diagnostic] } };
  const classified = classify(path, read.text);
  if (classified === 'other' && !named.has(path)) return { report: { file, kind: 'other', diagnostics: [] } };
  const kind = classified === 'other' ? 'pipeline' : classified;
  if (kind === 'cases') return undefined; // checked by `ml-connector test`, which runs them
  if (kind === 'pipeline') {
    const loaded = await loadPipeline(path, options);
    return { report: { file, kind, diagnostics: loaded.diagnostics }, ...(loaded.identity ? { identity: loaded.identity } : {}) };
  }
  if (kind === 'mapping') {
    const cache = options.tableCache as Map<string, Promise<MappingLoad>>;
    const loading = getOrCreate(cache, path, () => loadMappingTable(path, file));
    return { report: { file, kind, diagnostics: (await loading).diagnostics } };
  }
  const cache = options.expressionCache as Map<string, Promise<Compiled>>;
  const compiling = getOrCreate(cache, path, () => compileExpressionFile(path, file));
  const compiled = await compiling;
  return { report: { file, kind, diagnostics: compiled.ok ? compiled.problems : [compiled.diagnostic] } };
}

/** A table no pipeline of this run uses: what was checked, and what could not be without a sink. */
function checkedAlone(file: string): Diagnostic {
  return {
    code: 'MLC_MAPPING_NEEDS_PIPELINE',
    phase: 'mappings',
    severity: 'info',
    file,
    line: 0,
    col: 0,
    path: '',
    message: "checked on its own (rows, duplicates): no pipeline checked here uses it, so its target segment and codes were not checked against a sink's account format",
    hint: 'validate it together with the pipeline that uses it, e.g. `ml-connector validate pipelines/ ' + file + '`',
  };
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
