import { compileExpression, type CompiledExpression } from '../lib/jsonata.ts';
import type { Diagnostic } from './diagnostic.ts';
import { checkFunctionCalls, positionInText } from './expression-functions.ts';
import { readTextFile } from './read-text.ts';

/** `problems`: what compiles but cannot run (calls to functions that do not exist). */
export type Compiled = { ok: true; expression: CompiledExpression; source: string; problems: Diagnostic[] } | { ok: false; diagnostic: Diagnostic };

/** Reads and compiles a .jsonata file; a syntax error is positioned by line and column in that file. */
export async function compileExpressionFile(path: string, displayName: string): Promise<Compiled> {
  const read = await readTextFile(path, 'expressions', displayName);
  if (!read.ok) return { ok: false, diagnostic: read.diagnostic };
  const text = read.text;
  const result = compileExpression(text);
  if (result.ok) return { ...result, source: text, problems: checkFunctionCalls(result.expression, { file: displayName, path: '', locate: (offset) => positionInText(text, offset) }) };
  return {
    ok: false,
    diagnostic: { code: 'MLC_JSONATA_SYNTAX', phase: 'expressions', file: displayName, ...positionInText(text, result.error.offset), path: '', message: `${result.error.message} (${result.error.code})` },
  };
}
