// Indentation mistakes in the user's terms. The yaml library reports them where its parser noticed
// ("All mapping items must start at the same column", or "Nested mappings are not allowed in compact
// mappings" plus "Implicit keys need to be on a single line" for one misplaced key); this names the
// misplaced key, where it is, and the key it should line up with.
import type { YamlProblem } from '../lib/yaml.ts';

export const INDENTATION_CODES = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR']);

export interface IndentationProblem {
  line: number;
  col: number;
  message: string;
  hint: string;
}

interface KeyLine {
  line: number;
  /** 1-based column of the key. */
  col: number;
  key: string;
}

/** The key a line starts with (after any `- `), or undefined for blank lines, comments and non-keys. */
function keyOn(lines: readonly string[], line: number): KeyLine | undefined {
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  const match = /^(\s*(?:-\s+)*)([^\s#:'"-][^:#]*?|'[^']*'|"[^"]*")\s*:(\s|$)/.exec(text);
  if (!match) return undefined;
  return { line, col: (match[1]?.length ?? 0) + 1, key: (match[2] ?? '').replace(/^['"]|['"]$/g, '') };
}

/** The nearest key above `line` (skipping blanks and comments). */
function keyAbove(lines: readonly string[], line: number): KeyLine | undefined {
  for (let l = line - 1; l >= 1; l--) {
    const text = lines[l - 1] ?? '';
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    return keyOn(lines, l);
  }
  return undefined;
}

/** The first key below `line`. */
function keyBelow(lines: readonly string[], line: number): KeyLine | undefined {
  for (let l = line + 1; l <= lines.length; l++) {
    const text = lines[l - 1] ?? '';
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    return keyOn(lines, l);
  }
  return undefined;
}

export function explainIndentation(text: string, problem: YamlProblem): IndentationProblem | undefined {
  const lines = text.split('\n');
  if (problem.code === 'BLOCK_AS_IMPLICIT_KEY' || problem.code === 'MULTILINE_IMPLICIT_KEY') {
    // The parser stops at the line above; the misplaced key is the next one, indented too far.
    const above = keyOn(lines, problem.line);
    const misplaced = keyBelow(lines, problem.line);
    if (!above || !misplaced) return undefined;
    return {
      line: misplaced.line,
      col: misplaced.col,
      message: `'${misplaced.key}' is indented further than '${above.key}' on line ${above.line}, which already has a value on its line`,
      hint: `line '${misplaced.key}' up with '${above.key}' (column ${above.col}); if it belongs inside '${above.key}', put that value on the lines below it`,
    };
  }
  if ((problem.code === 'BAD_INDENT' && /same column/.test(problem.message)) || (problem.code === 'MISSING_CHAR' && /without - indicator/.test(problem.message))) {
    const misplaced = keyOn(lines, problem.line);
    const above = keyAbove(lines, problem.line);
    if (!misplaced || !above) return undefined;
    return {
      line: misplaced.line,
      col: misplaced.col,
      message: `'${misplaced.key}' (column ${misplaced.col}) does not line up with '${above.key}' on line ${above.line} (column ${above.col})`,
      hint: `keys of one mapping start in the same column: indent '${misplaced.key}' like '${above.key}', or like the key it belongs beside`,
    };
  }
  return undefined;
}
