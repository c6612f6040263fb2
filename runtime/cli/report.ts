// How diagnostics are shown: for people (text), for programs (json), for GitHub Actions (annotations).
import { formatPosition, type Diagnostic } from '../load/diagnostic.ts';
import type { FileReport } from '../validate/validate-files.ts';

export type ReportFormat = 'text' | 'json' | 'github';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'github'];

export function formatDiagnosticText(d: Diagnostic): string {
  const where = d.path ? ` (at ${d.path})` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${formatPosition(d)}: error ${d.code}: ${d.message}${where}${hint}\n`;
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
  return `::error file=${escapeProperty(d.file)}${position},title=${escapeProperty(d.code)}::${escapeData(message)}\n`;
}

export function renderReport(reports: readonly FileReport[], format: ReportFormat): string {
  const diagnostics = reports.flatMap((r) => r.diagnostics);
  const invalidFiles = reports.filter((r) => r.diagnostics.length > 0).length;
  if (format === 'json') {
    return `${JSON.stringify({ valid: diagnostics.length === 0, checked: reports.length, invalid: invalidFiles, files: reports.map((r) => ({ file: r.file, kind: r.kind, valid: r.diagnostics.length === 0 })), diagnostics }, null, 2)}\n`;
  }
  if (format === 'github') {
    return diagnostics.map(formatDiagnosticGithub).join('') + summary(reports.length, invalidFiles, diagnostics.length);
  }
  return diagnostics.map(formatDiagnosticText).join('') + summary(reports.length, invalidFiles, diagnostics.length);
}

function summary(checked: number, invalid: number, problems: number): string {
  const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
  if (problems === 0) return `ok: ${files(checked)} valid\n`;
  return `${problems} problem${problems === 1 ? '' : 's'} in ${files(invalid)} (${files(checked)} checked)\n`;
}
