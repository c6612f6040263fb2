// The OData-like filter language of the v2 datasets API: eq ne lt le gt ge, in (...), and, or,
// parentheses. Parsed once per request into a predicate; a syntax error becomes a 422.

export type Row = Record<string, string | null>;
export type Predicate = (row: Row) => boolean;

export class FilterError extends Error {}

type Token = { kind: 'word' | 'string' | 'number' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', text: value });
    } else {
      const m = /^[A-Za-z_][\w.]*|^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new FilterError(`unexpected character ${JSON.stringify(ch)} at ${i}`);
      tokens.push({ kind: /^-?\d/.test(m[0]) ? 'number' : 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

const MAX_DEPTH = 100;

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

function compare(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseFilter(text: string, knownField: (name: string) => boolean): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const take = (): Token => {
    const t = tokens[pos++];
    if (!t) throw new FilterError('unexpected end of filter');
    return t;
  };
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;

  const literal = (): string | null => {
    const t = take();
    if (t.kind === 'string' || t.kind === 'number') return t.text;
    if (isWord(t, 'null')) return null;
    throw new FilterError(`expected a value, got ${t.text}`);
  };

  let depth = 0;
  const term = (): Predicate => {
    if (peek()?.text === '(') {
      take();
      // Recursion per parenthesis: a bound keeps a hostile filter a 422 instead of a stack overflow.
      if (++depth > MAX_DEPTH) throw new FilterError(`parentheses nested deeper than ${MAX_DEPTH}`);
      const inner = orExpr();
      if (take().text !== ')') throw new FilterError('expected )');
      depth--;
      return inner;
    }
    const field = take();
    if (field.kind !== 'word') throw new FilterError(`expected a field name, got ${field.text}`);
    if (!knownField(field.text)) throw new FilterError(`unknown field ${field.text}`);
    const op = take();
    if (isWord(op, 'in')) {
      if (take().text !== '(') throw new FilterError('expected ( after in');
      const values: (string | null)[] = [literal()];
      while (peek()?.text === ',') {
        take();
        values.push(literal());
      }
      if (take().text !== ')') throw new FilterError('expected ) after in list');
      return (row) => values.some((v) => compare(row[field.text] ?? null, v) === 0);
    }
    const name = op.text.toLowerCase() as (typeof OPS)[number];
    if (op.kind !== 'word' || !OPS.includes(name)) throw new FilterError(`unknown operator ${op.text}`);
    const value = literal();
    return (row) => {
      const c = compare(row[field.text] ?? null, value);
      return name === 'eq' ? c === 0 : name === 'ne' ? c !== 0 : name === 'lt' ? c < 0 : name === 'le' ? c <= 0 : name === 'gt' ? c > 0 : c >= 0;
    };
  };

  const andExpr = (): Predicate => {
    const parts = [term()];
    while (isWord(peek(), 'and')) {
      take();
      parts.push(term());
    }
    return parts.length === 1 ? parts[0]! : (row) => parts.every((p) => p(row));
  };

  const orExpr = (): Predicate => {
    const parts = [andExpr()];
    while (isWord(peek(), 'or')) {
      take();
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : (row) => parts.some((p) => p(row));
  };

  const predicate = orExpr();
  if (pos < tokens.length) throw new FilterError(`unexpected ${tokens[pos]!.text}`);
  return predicate;
}
