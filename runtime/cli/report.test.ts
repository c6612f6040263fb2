import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../load/diagnostic.ts';
import { formatDiagnosticGithub, formatDiagnosticText, renderReport } from './report.ts';

const diagnostic: Diagnostic = {
  code: 'MLC_SCHEMA_INVALID',
  phase: 'schema',
  file: 'pipelines/a,b:c.yaml',
  line: 3,
  col: 7,
  path: '/name',
  message: 'bad value\nsecond line 100%',
  hint: 'fix it',
};

describe('report formats', () => {
  it('text names file:line:col, code, path and hint', () => {
    expect(formatDiagnosticText(diagnostic)).toBe('pipelines/a,b:c.yaml:3:7: error MLC_SCHEMA_INVALID: bad value\nsecond line 100% (at /name)\n    hint: fix it\n');
  });

  it('github annotations escape properties and data so a message cannot break the command', () => {
    expect(formatDiagnosticGithub(diagnostic)).toBe('::error file=pipelines/a%2Cb%3Ac.yaml,line=3,col=7,title=MLC_SCHEMA_INVALID::bad value%0Asecond line 100%25 (at /name). Hint: fix it\n');
  });

  it('json carries every field and the verdict', () => {
    const parsed = JSON.parse(renderReport([{ file: 'x.yaml', kind: 'pipeline', diagnostics: [diagnostic] }], 'json')) as Record<string, unknown>;
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics).toEqual([{ ...diagnostic, severity: 'error' }]);
    expect(parsed.files).toEqual([{ file: 'x.yaml', kind: 'pipeline', valid: false }]);
  });

  it('json gives every diagnostic a severity; text and github name warnings and notes as such', () => {
    const warning: Diagnostic = { ...diagnostic, severity: 'warning' };
    const note: Diagnostic = { ...diagnostic, severity: 'info' };
    const parsed = JSON.parse(renderReport([{ file: 'x.yaml', kind: 'pipeline', diagnostics: [diagnostic, warning, note] }], 'json')) as { diagnostics: { severity: string }[] };
    expect(parsed.diagnostics.map((d) => d.severity)).toEqual(['error', 'warning', 'info']);
    expect(formatDiagnosticText(note)).toMatch(/: note MLC_SCHEMA_INVALID: /);
    expect(formatDiagnosticGithub(note)).toMatch(/^::notice file=/);
    expect(renderReport([{ file: 'x.yaml', kind: 'pipeline', diagnostics: [warning, note] }], 'text')).toMatch(/ok: 1 file valid \(1 warning\)\n$/);
  });

  it('text ends with a summary either way', () => {
    expect(renderReport([{ file: 'x.yaml', kind: 'pipeline', diagnostics: [] }], 'text')).toBe('ok: 1 file valid\n');
    expect(renderReport([{ file: 'x.yaml', kind: 'pipeline', diagnostics: [diagnostic, diagnostic] }, { file: 'y.yaml', kind: 'mapping', diagnostics: [] }], 'text')).toMatch(/2 problems in 1 file \(2 files checked\)\n$/);
  });
});
