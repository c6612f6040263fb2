// How `ml-connector test` shows its results: for people (text), programs (json), GitHub Actions
// annotations (github) and CI test reports (junit). A failing case is MLC_CASES_FAILED everywhere.
import type { CasesFileResult } from '../cases/run-cases.ts';
import type { ErrorCode } from '../errors.ts';
import { formatDiagnosticGithub, formatDiagnosticText } from './report.ts';
import { paint, type Painter } from './colors.ts';

export type CasesFormat = 'text' | 'json' | 'github' | 'junit';
export const CASES_FORMATS: readonly CasesFormat[] = ['text', 'json', 'github', 'junit'];

export const CASE_FAILED: ErrorCode = 'MLC_CASES_FAILED';

export interface CasesRun {
  results: readonly CasesFileResult[];
  untested: readonly string[];
}

export function casesFailed(run: CasesRun): boolean {
  return run.results.some((r) => r.diagnostics.length > 0 || r.results.some((c) => !c.passed));
}

function renderText({ results, untested }: CasesRun, color: Painter): string {
  let out = '';
  let passed = 0;
  let failed = 0;
  for (const result of results) {
    for (const d of result.diagnostics) out += formatDiagnosticText(d, color);
    const ok = result.results.filter((r) => r.passed).length;
    const bad = result.results.length - ok;
    passed += ok;
    failed += bad + (result.diagnostics.length > 0 ? 1 : 0);
    const verdict = bad === 0 && result.diagnostics.length === 0 ? color.green('ok  ') : color.red('FAIL');
    out += `${verdict} ${result.file}${result.subject ? ` → ${result.subject}` : ''}: ${ok} passed, ${bad} failed\n`;
    for (const r of result.results.filter((x) => !x.passed)) {
      out += `  ${color.red('✗')} ${r.name} (${result.file}:${r.line}) ${CASE_FAILED}\n${(r.detail ?? '').replace(/^/gm, '      ')}\n`;
    }
    if (result.unexercisedRows.length > 0) out += `  rows no case exercised: ${result.unexercisedRows.join(', ')}\n`;
  }
  for (const file of untested) out += `note: ${file} has no cases file\n`;
  out += `cases: ${passed} passed, ${failed} failed\n`;
  return out;
}

function renderGithub(run: CasesRun): string {
  let out = '';
  for (const result of run.results) {
    for (const d of result.diagnostics) out += formatDiagnosticGithub(d);
    for (const r of result.results.filter((x) => !x.passed)) {
      out += formatDiagnosticGithub({ code: CASE_FAILED, phase: 'mappings', file: result.file, line: r.line, col: 1, path: '', message: `case '${r.name}' failed${r.detail ? `\n${r.detail}` : ''}` });
    }
  }
  const cases = run.results.flatMap((r) => r.results);
  return `${out}cases: ${cases.filter((c) => c.passed).length} passed, ${cases.filter((c) => !c.passed).length + run.results.filter((r) => r.diagnostics.length > 0).length} failed\n`;
}

const xml = (text: string): string =>
  // Characters XML 1.0 cannot hold at all are dropped; the rest are escaped.
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML as CI systems read it: one testsuite per cases file, one testcase per case. */
function renderJunit(run: CasesRun): string {
  const suites = run.results.map((result) => {
    const failures = result.results.filter((r) => !r.passed).length;
    const cases = result.results.map((r) => {
      const failure = r.passed ? '' : `<failure type="${CASE_FAILED}" message="${xml(`case '${r.name}' failed`)}">${xml(r.detail ?? '')}</failure>`;
      return `    <testcase classname="${xml(result.file)}" name="${xml(r.name)}" file="${xml(result.file)}" line="${r.line}">${failure}</testcase>\n`;
    });
    // A cases file that could not run is one errored testcase, so it cannot pass unnoticed.
    const errors = result.diagnostics.map((d) => `    <testcase classname="${xml(result.file)}" name="${xml(`${d.code} at line ${d.line}`)}"><error type="${d.code}" message="${xml(d.message)}"/></testcase>\n`);
    return `  <testsuite name="${xml(result.file)}" tests="${cases.length + errors.length}" failures="${failures}" errors="${errors.length}">\n${cases.join('')}${errors.join('')}  </testsuite>\n`;
  });
  const total = run.results.reduce((n, r) => n + r.results.length + r.diagnostics.length, 0);
  const failures = run.results.reduce((n, r) => n + r.results.filter((c) => !c.passed).length, 0);
  const errors = run.results.reduce((n, r) => n + r.diagnostics.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ml-connector test" tests="${total}" failures="${failures}" errors="${errors}">\n${suites.join('')}</testsuites>\n`;
}

export function renderCases(run: CasesRun, format: CasesFormat, color = false): string {
  if (format === 'json') {
    const files = run.results.map((r) => ({ ...r, results: r.results.map((c) => (c.passed ? c : { ...c, code: CASE_FAILED })) }));
    return `${JSON.stringify({ passed: !casesFailed(run), files, untested: run.untested }, null, 2)}\n`;
  }
  if (format === 'github') return renderGithub(run);
  if (format === 'junit') return renderJunit(run);
  return renderText(run, paint(color));
}
