import type { ErrorCode } from '../errors.ts';

/** The loading phases, in the order they run. A later phase only sees what earlier ones accepted. */
export type Phase = 'parse' | 'schema' | 'references' | 'expressions' | 'mappings' | 'environment' | 'coverage';

export interface Diagnostic {
  code: ErrorCode;
  phase: Phase;
  file: string;
  /** 1-based; 0 when the problem is with the file as a whole. */
  line: number;
  col: number;
  /** JSON path of the offending value, e.g. /steps/0/table ('' for the whole document). */
  path: string;
  message: string;
  hint?: string;
  /** Absent for errors. A warning or a note (info) is shown but does not make the file invalid. */
  severity?: 'warning' | 'info';
}

export type Severity = 'error' | 'warning' | 'info';

export const severityOf = (d: Diagnostic): Severity => d.severity ?? 'error';
export const isError = (d: Diagnostic): boolean => d.severity === undefined;

export function formatPosition(d: Pick<Diagnostic, 'file' | 'line' | 'col'>): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
}

export function jsonPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
