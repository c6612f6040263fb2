// A JSONata expression compiles even when it calls a function that does not exist (`$trimm(name)`);
// it would fail on the first record. Every call must name a built-in or a variable the expression binds.
import { BUILTIN_FUNCTIONS, callsAndBindings, type CompiledExpression } from '../lib/jsonata.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import type { Diagnostic } from './diagnostic.ts';
import type { Position } from './yaml-file.ts';

export function checkFunctionCalls(expression: CompiledExpression, where: { file: string; path: string; locate: (offset: number) => Position }): Diagnostic[] {
  const { calls, bound } = callsAndBindings(expression);
  const candidates = [...BUILTIN_FUNCTIONS, ...bound];
  return calls
    .filter((call) => !BUILTIN_FUNCTIONS.has(call.name) && !bound.has(call.name))
    .map((call) => {
      const suggestion = closestMatch(call.name, candidates);
      return {
        code: 'MLC_JSONATA_UNKNOWN_FUNCTION',
        phase: 'expressions',
        file: where.file,
        ...where.locate(call.offset),
        path: where.path,
        message: `$${call.name}() is not a JSONata function${suggestion ? ` (did you mean $${suggestion}()?)` : ''}`,
        hint: 'built-in functions are listed at https://docs.jsonata.org; a function of your own must be bound first ($name := function($x) {…})',
      } satisfies Diagnostic;
    });
}

/** Line and column of an offset in a whole file's text. */
export function positionInText(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}
