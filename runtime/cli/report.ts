// How diagnostics are shown: for people (text), for programs (json), for GitHub Actions (annotations).
import { formatPosition, isError, severityOf, type Diagnostic, type Severity } from '../load/diagnostic.ts';
import type { FileReport } from '../validate/validate-files.ts';
import { paint, type Painter } from './colors.ts';

export type ReportFormat = 'text' | 'json' | 'github';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'github'];

const TEXT_LABEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const GITHUB_COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function formatDiagnosticText(d: Diagnostic, color: Painter = paint(false)): string {
  const where = d.path ? ` (at ${d.path})` : '';
  const hint = d.hint ? `\n    ${color.dim(`hint: ${d.hint}`)}` : '';
  const severity = severityOf(d);
  const label = { error: color.red, warning: color.yellow, info: color.dim }[severity](TEXT_LABEL[severity]);
  return `${color.bold(formatPosition(d))}: ${label} ${d.code}: ${d.message}${where}${hint}\n`;
}

/** GitHub Actions workflow commands: data is escaped so a message cannot end the command early. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatDiagnosticGithub(d: Diagnostic): string {
  const position = d.line > 0 ? `,line=${d.line},col=${d.col}` : '';
  const message = `${d.message}${d.path ? ` (at ${d.path})` : ''}${d.hint ? `. Hint: ${d.hint}` : ''}`;
  return `::${GITHUB_COMMAND[severityOf(d)]} file=${escapeProperty(d.file)}${position},title=${escapeProperty(d.code)}::${escapeData(message)}\n`;
}

export function renderReport(all: readonly FileReport[], format: ReportFormat, options: { color?: boolean } = {}): string {
  const reports = all.filter((r) => r.kind !== 'other');
  const skipped = all.filter((r) => r.kind === 'other').map((r) => r.file);
  const diagnostics = reports.flatMap((r) => r.diagnostics);
  const errors = diagnostics.filter(isError).length;
  const warnings = diagnostics.filter((d) => severityOf(d) === 'warning').length;
  const valid = (r: FileReport): boolean => !r.diagnostics.some(isError);
  const invalidFiles = reports.filter((r) => !valid(r)).length;
  if (format === 'json') {
    return `${JSON.stringify({ valid: errors === 0, checked: reports.length, invalid: invalidFiles, files: reports.map((r) => ({ file: r.file, kind: r.kind, valid: valid(r) })), skipped, diagnostics: diagnostics.map(withSeverity) }, null, 2)}\n`;
  }
  const note = skipped.length > 0 ? `skipped ${skipped.length} YAML file${skipped.length === 1 ? '' : 's'} that ${skipped.length === 1 ? 'is' : 'are'} not a pipeline, mapping table or cases file: ${skipped.join(', ')}\n` : '';
  const tail = note + summary(reports.length, invalidFiles, errors, warnings);
  if (format === 'github') return diagnostics.map(formatDiagnosticGithub).join('') + tail;
  const color = paint(options.color === true);
  return diagnostics.map((d) => formatDiagnosticText(d, color)).join('') + tail;
}

/** Every diagnostic in JSON says what it is, so a program need not know that an absent severity means error. */
function withSeverity(d: Diagnostic): Omit<Diagnostic, 'severity'> & { severity: Severity } {
  const { severity: _absent, ...rest } = d;
  return { ...rest, severity: severityOf(d) };
}

/** True when no report has an error (warnings allowed). */
export function reportsValid(reports: readonly FileReport[]): boolean {
  return reports.every((r) => !r.diagnostics.some(isError));
}

function summary(checked: number, invalid: number, errors: number, warnings: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const warned = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  if (errors === 0) return `ok: ${plural(checked, 'file')} valid${warned}\n`;
  return `${plural(errors, 'problem')} in ${plural(invalid, 'file')} (${plural(checked, 'file')} checked)${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}\n`;
}
