import { compileExpression, type CompiledExpression } from '../lib/jsonata.ts';
import type { Diagnostic } from './diagnostic.ts';
import { readTextFile } from './read-text.ts';

export type Compiled = { ok: true; expression: CompiledExpression; source: string } | { ok: false; diagnostic: Diagnostic };

/** Reads and compiles a .jsonata file; a syntax error is positioned by line and column in that file. */
export async function compileExpressionFile(path: string, displayName: string): Promise<Compiled> {
  const read = await readTextFile(path, 'expressions', displayName);
  if (!read.ok) return { ok: false, diagnostic: read.diagnostic };
  const result = compileExpression(read.text);
  if (result.ok) return { ...result, source: read.text };
  const before = read.text.slice(0, result.error.offset);
  return {
    ok: false,
    diagnostic: {
      code: 'MLC_JSONATA_SYNTAX',
      phase: 'expressions',
      file: displayName,
      line: before.split('\n').length,
      col: result.error.offset - before.lastIndexOf('\n'),
      path: '',
      message: `${result.error.message} (${result.error.code})`,
    },
  };
}
