// The one module that wraps jsonata. Compilation reports positions; evaluation is time- and
// depth-boxed through jsonata 2.x's Symbol-named hooks (the string-named hooks of older examples
// register nothing on 2.x). The hooks cannot stop one long native call (a catastrophic regex); the
// engine's worker-thread evaluator with a hard terminate() covers that at run time.
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

export interface EvaluateOptions {
  timeoutMs: number;
  maxDepth?: number;
  bindings?: Record<string, unknown>;
}

export async function evaluateExpression(expression: CompiledExpression, input: unknown, options: EvaluateOptions): Promise<unknown> {
  const started = Date.now();
  const maxDepth = options.maxDepth ?? 500;
  let depth = 0;
  const environment = expression as unknown as { assign(name: symbol, value: unknown): void };
  environment.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    depth++;
    if (depth > maxDepth) throw new Error(`expression nested deeper than ${maxDepth} levels`);
    if (Date.now() - started > options.timeoutMs) throw new Error(`expression ran longer than ${options.timeoutMs} ms`);
  });
  environment.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    depth--;
  });
  return expression.evaluate(input, options.bindings);
}
