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

/** JSONata's built-in functions (jsonata 2.x); jsonata.test.ts checks each one exists in the installed version. */
export const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(
  ('abs append assert average base64decode base64encode boolean ceil clone contains count decodeUrl decodeUrlComponent distinct each ' +
    'encodeUrl encodeUrlComponent error eval exists filter floor formatBase formatInteger formatNumber fromMillis join keys length lookup ' +
    'lowercase map match max merge millis min not now number pad parseInteger power random reduce replace reverse round shuffle sift ' +
    'single sort split spread sqrt string substring substringAfter substringBefore sum toMillis trim type uppercase zip').split(' '),
);

export interface FunctionCall {
  name: string;
  /** 0-based offset of the `$` that starts the name. */
  offset: number;
}

interface AstNode {
  type?: string;
  value?: unknown;
  position?: number;
  procedure?: AstNode;
  lhs?: AstNode;
  focus?: string;
  index?: string;
  arguments?: AstNode[];
}

/** The functions an expression calls by name, and the variables it binds itself (`:=`, lambda parameters, `@$x`, `#$i`). */
export function callsAndBindings(expression: CompiledExpression): { calls: FunctionCall[]; bound: Set<string> } {
  const calls: FunctionCall[] = [];
  const bound = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as AstNode;
    if ((n.type === 'function' || n.type === 'partial') && n.procedure?.type === 'variable' && typeof n.procedure.value === 'string') {
      // jsonata's position is just past the name; the `$` is name.length + 1 before it.
      calls.push({ name: n.procedure.value, offset: Math.max(0, (n.procedure.position ?? 0) - n.procedure.value.length - 1) });
    }
    if (n.type === 'bind' && n.lhs?.type === 'variable' && typeof n.lhs.value === 'string') bound.add(n.lhs.value);
    if (n.type === 'lambda') for (const a of n.arguments ?? []) if (typeof a.value === 'string') bound.add(a.value);
    if (typeof n.focus === 'string') bound.add(n.focus);
    if (typeof n.index === 'string') bound.add(n.index);
    for (const value of Object.values(n)) if (typeof value === 'object') visit(value);
  };
  visit(expression.ast());
  return { calls, bound };
}

/**
 * Every variable name an expression mentions ($runDate, $committed, and its own $locals; functions
 * such as $now are variables too). A cache of an expression's results can then key on the bindings
 * it reads and ignore the ones it does not. Undefined when the source does not compile.
 */
export function variablesNamed(source: string): Set<string> | undefined {
  const compiled = compileExpression(source);
  if (!compiled.ok) return undefined;
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'variable' && typeof record.value === 'string') names.add(record.value);
    for (const value of Object.values(record)) if (typeof value === 'object') visit(value);
  };
  visit(compiled.expression.ast());
  return names;
}
