// Executable mappings: runs the cases beside a mapping table or JSONata file and reports, per case,
// what differs, and for tables which rows no case exercised.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { partitionProblem } from './partition-check.ts';
import type { OutputCheck } from './roster-output-check.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { compileExpressionFile } from '../load/expression-file.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import { loadMappingTable, type MappingTable } from '../load/mapping-table.ts';
import { readTextFile } from '../load/read-text.ts';
import { checkSchema } from '../load/schema-check.ts';
import { casesSchema, reportingValidator } from '../load/schemas.ts';
import { parseYamlFile, type YamlFile } from '../load/yaml-file.ts';
import { lineDiff } from '../util/line-diff.ts';

export interface CaseResult {
  name: string;
  line: number;
  passed: boolean;
  /** Set when the case failed: a line diff of expected and actual, or the evaluation error. */
  detail?: string;
}

export interface CasesFileResult {
  file: string;
  subject?: string;
  results: CaseResult[];
  /** Problems with the cases file or its subject; the file's cases did not run. */
  diagnostics: Diagnostic[];
  /** Mapping rows no case looked up: "<from> (line N)". */
  unexercisedRows: string[];
}

interface CaseSpec {
  name: string;
  input: unknown;
  bindings?: Record<string, unknown>;
  expected: unknown;
}

/** Each case's evaluation limit; the worker running it is killed past this. */
const CASE_TIMEOUT_MS = 1000;

const SUBJECT_EXTENSIONS = ['.yaml', '.yml', '.csv', '.jsonata'];

function findSubject(casesPath: string, declared: string | undefined): { path?: string; problem?: string } {
  if (declared) {
    const path = resolve(dirname(casesPath), declared);
    return existsSync(path) ? { path } : { problem: `subject '${declared}' does not exist` };
  }
  const stem = basename(casesPath).replace(/\.cases\.ya?ml$/, '');
  const found = SUBJECT_EXTENSIONS.map((ext) => join(dirname(casesPath), stem + ext)).filter((p) => existsSync(p));
  if (found.length === 1) return { path: found[0] };
  if (found.length === 0) return { problem: `no ${stem}.yaml, .yml, .csv or .jsonata beside it` };
  return { problem: `${found.map((p) => basename(p)).join(' and ')} both exist; say which one with 'subject:'` };
}

/** JSONata results carry array markers; compare plain JSON. */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/** Runs one cases file. JSONata runs in `evaluator`'s worker (one is made and closed if none is given). */
export async function runCasesFile(casesPath: string, cwd: string, evaluator?: IsolatedEvaluator, outputChecks?: ReadonlyMap<string, OutputCheck>): Promise<CasesFileResult> {
  const file = relative(cwd, casesPath) || casesPath;
  const empty = (diagnostics: Diagnostic[], subject?: string): CasesFileResult => ({ file, ...(subject ? { subject } : {}), results: [], diagnostics, unexercisedRows: [] });
  const read = await readTextFile(casesPath, 'parse', file);
  if (!read.ok) return empty([read.diagnostic]);
  const parsed = parseYamlFile(file, read.text);
  if (!parsed.ok) return empty(parsed.diagnostics);
  const yaml = parsed.yaml;
  const schemaProblems = checkSchema(reportingValidator(casesSchema), yaml.value, yaml, { rootSchema: casesSchema }).map((d) => ({ ...d, code: 'MLC_CASES_INVALID' as const }));
  if (schemaProblems.length > 0) return empty(schemaProblems);
  const spec = yaml.value as { subject?: string; cases: CaseSpec[] };
  const subject = findSubject(casesPath, spec.subject);
  if (!subject.path) {
    return empty([{ code: 'MLC_CASES_INVALID', phase: 'references', file, ...yaml.locate(spec.subject ? '/subject' : ''), path: spec.subject ? '/subject' : '', message: subject.problem ?? 'no subject' }]);
  }
  const subjectName = relative(cwd, subject.path) || subject.path;
  if (subject.path.endsWith('.jsonata')) {
    const own = evaluator ?? new IsolatedEvaluator();
    try {
      return await runExpressionCases(subject.path, subjectName, spec.cases, yaml, file, own, outputChecks?.get(subject.path));
    } finally {
      if (!evaluator) await own.close();
    }
  }
  const loaded = await loadMappingTable(subject.path, subjectName);
  if (!loaded.table || loaded.diagnostics.length > 0) return empty(loaded.diagnostics, subjectName);
  return runMappingCases(loaded.table, spec.cases, yaml, file);
}

function runMappingCases(table: MappingTable, cases: CaseSpec[], yaml: YamlFile, file: string): CasesFileResult {
  const used = new Set<number>();
  const results = cases.map((spec, index): CaseResult => {
    const line = yaml.locate(`/cases/${index}`).line;
    // A table maps text; a number or list as input would find nothing and could pass a `null` case by accident.
    if (typeof spec.input !== 'string') {
      return { name: spec.name, line, passed: false, detail: `input must be a source value (text) for a mapping table; got ${JSON.stringify(spec.input)}` };
    }
    const row = table.lookup(spec.input);
    if (row) used.add(row.index);
    const actual = row ? row.to : null;
    if (isDeepStrictEqual(actual, spec.expected)) return { name: spec.name, line, passed: true };
    return { name: spec.name, line, passed: false, detail: lineDiff(show(spec.expected), show(actual)) };
  });
  const unexercisedRows = table.rows.filter((r) => !used.has(r.index)).map((r) => `'${r.from}' (line ${table.yaml.locate(`/rows/${r.index}`).line})`);
  return { file, subject: table.file, results, diagnostics: [], unexercisedRows };
}

async function runExpressionCases(path: string, subjectName: string, cases: CaseSpec[], yaml: YamlFile, file: string, evaluator: IsolatedEvaluator, outputCheck?: OutputCheck): Promise<CasesFileResult> {
  const compiled = await compileExpressionFile(path, subjectName);
  if (!compiled.ok) return { file, subject: subjectName, results: [], diagnostics: [compiled.diagnostic], unexercisedRows: [] };
  const results: CaseResult[] = [];
  for (const [index, spec] of cases.entries()) {
    const line = yaml.locate(`/cases/${index}`).line;
    try {
      const actual = plain(await evaluator.evaluate(compiled.source, spec.input, { timeoutMs: CASE_TIMEOUT_MS }, spec.bindings));
      const partitionBy = outputCheck?.partitionBy;
      const split = partitionBy ? await partitionProblem(spec.input, actual, spec.bindings ?? {}, partitionBy, (input, bindings) => evaluator.evaluate(compiled.source, input, { timeoutMs: CASE_TIMEOUT_MS }, bindings).then(plain)) : undefined;
      const refused = outputCheck?.(actual) ?? split;
      const sinkNote = refused ? (refused === split ? `its pipeline step has partitionBy: ${partitionBy}, and ${refused}` : `the output is not accepted by the sink: ${refused}`) : undefined;
      if (!isDeepStrictEqual(actual, plain(spec.expected))) {
        results.push({ name: spec.name, line, passed: false, detail: `${lineDiff(show(plain(spec.expected)), show(actual))}${sinkNote ? `\n${sinkNote}` : ''}` });
      } else results.push(sinkNote ? { name: spec.name, line, passed: false, detail: sinkNote } : { name: spec.name, line, passed: true });
    } catch (error) {
      results.push({ name: spec.name, line, passed: false, detail: `evaluation failed: ${(error as { message?: string }).message ?? String(error)}` });
    }
  }
  return { file, subject: subjectName, results, diagnostics: [], unexercisedRows: [] };
}
