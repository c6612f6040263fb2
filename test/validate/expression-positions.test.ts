// A JSONata syntax error inside a YAML string points at the offending character in the file, whatever
// the string's style: plain, quoted with escapes, folded over lines, or a `|` / `>` block scalar.
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../runtime/lib/jsonata.ts';
import { parseYamlFile } from '../../runtime/load/yaml-file.ts';

/** The character at a 1-based line and column, and the two before it. */
function around(text: string, line: number, col: number): string {
  const lineText = text.split('\n')[line - 1] ?? '';
  return lineText.slice(Math.max(0, col - 3), col);
}

function errorPosition(yamlText: string): { line: number; col: number } {
  const parsed = parseYamlFile('p.yaml', yamlText);
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]?.message);
  const source = (parsed.yaml.value as { expression: string }).expression;
  const compiled = compileExpression(source);
  if (compiled.ok) throw new Error(`compiled: ${source}`);
  return parsed.yaml.locateInString('/expression', compiled.error.offset);
}

// Each expression has one error: the second '=' of '= ='.
const styles: Record<string, string> = {
  'plain, one line': 'expression: status = "A" and x = = 1\n',
  'plain over two lines': 'expression: status = "A"\n  and x = = 1\n',
  'double-quoted with escapes': 'expression: "status = \\"A\\" and \\u0078 = = 1"\n',
  'double-quoted with an escaped line break': 'expression: "status = \\"A\\" \\\n    and x = = 1"\n',
  'single-quoted with doubled quotes': "expression: 'status = ''A'' and x = = 1'\n",
  'single-quoted over lines with an empty line': "expression: 'status = ''A''\n\n  and x = = 1'\n",
  'literal block, more-indented line': 'expression: |\n  status = "A"\n    and x = = 1\n',
  'literal block with a header comment and an empty line': 'expression: |  # the filter\n  status = "A"\n\n  and x = = 1\n',
  'literal block with an indentation indicator': 'root:\n  k: 1\nexpression: |1\n   status = "A"\n   and x = = 1\n',
  'folded block': 'expression: >\n  status = "A"\n  and x = = 1\n',
  'folded block, strip chomping, empty line': 'expression: >-\n  status = "A"\n\n  and x = = 1\n',
  'folded block, more-indented line': 'expression: >\n  status = "A"\n     and x = = 1\n',
  'CRLF line ends': 'expression: |\r\n  status = "A"\r\n  and x = = 1\r\n',
};

describe('JSONata error positions inside YAML strings', () => {
  for (const [name, text] of Object.entries(styles)) {
    it(name, () => {
      const at = errorPosition(text);
      expect(around(text.replace(/\r/g, ''), at.line, at.col)).toBe('= =');
    });
  }

  it('an error at the end of a block expression points just past its last character', () => {
    const text = 'expression: |\n  $count(\n    items\n';
    const at = errorPosition(text);
    expect(at).toEqual({ line: 3, col: 10 });
  });
});
