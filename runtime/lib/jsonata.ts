// The one module that wraps jsonata, with its worker (jsonata-worker.mjs): compilation, with
// positions, happens here; evaluation of user-written expressions happens in the worker through
// jsonata-isolated.ts, where a hard deadline can stop even a catastrophic regex.
import jsonata from 'jsonata';

export type CompiledExpression = ReturnType<typeof jsonata>;

export interface ExpressionSyntaxError {
  message: string;
  /** 0-based character offset in the expression where the problem was found. */
  offset: number;
  code: string;
}

export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; error: ExpressionSyntaxError };

interface JsonataError {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

export function compileExpression(source: string): CompileResult {
  try {
    return { ok: true, expression: jsonata(source) };
  } catch (error) {
    const e = error as JsonataError;
    return { ok: false, error: { message: e.message ?? String(error), offset: errorOffset(source, e), code: e.code ?? 'S0000' } };
  }
}

/** jsonata reports `position` just past the offending token, and nothing useful for "end of expression". */
function errorOffset(source: string, e: JsonataError): number {
  if (e.token === '(end)' || typeof e.position !== 'number' || /end of expression/.test(e.message ?? '')) {
    return source.trimEnd().length;
  }
  const tokenLength = typeof e.token === 'string' ? e.token.length : 1;
  return Math.max(0, Math.min(source.length, e.position - tokenLength));
}
