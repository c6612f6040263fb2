import { describe, expect, it } from 'vitest';
import { BUILTIN_FUNCTIONS, callsAndBindings, compileExpression } from './jsonata.ts';

const compiled = (source: string) => {
  const result = compileExpression(source);
  if (!result.ok) throw new Error(result.error.message);
  return result.expression;
};

describe('jsonata wrapper', () => {
  it('lists built-in functions that the installed jsonata has, and only those', async () => {
    for (const name of BUILTIN_FUNCTIONS) expect(await compiled(`$${name}`).evaluate({}), name).toBeTruthy();
    expect(await compiled('$trimm').evaluate({})).toBeUndefined();
  });

  it('finds the functions an expression calls, at the $, and the variables it binds', () => {
    const source = '(\n  $f := function($x) { $trimm($x) };\n  items@$i#$n.$f($i)\n)';
    const { calls, bound } = callsAndBindings(compiled(source));
    expect(calls.map((c) => [c.name, source.slice(c.offset, c.offset + c.name.length + 1)])).toEqual([
      ['trimm', '$trimm'],
      ['f', '$f'],
    ]);
    expect([...bound].sort()).toEqual(['f', 'i', 'n', 'x']);
  });
});
