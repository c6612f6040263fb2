// Where each character of a YAML string value came from in the file, so that an error at an offset
// inside a value (a JSONata syntax error) can be shown at its real line and column. YAML changes the
// text between file and value: quotes and escapes, line folding, a block scalar's header and
// indentation. The caller compares the rebuilt value with the parsed one and trusts the offsets only
// when they agree.

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

export interface SourceMap {
  /** The value as rebuilt from the source text. */
  value: string;
  /** offsets[i]: offset in the file of value[i]. */
  offsets: number[];
}

const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Maps a scalar's source `text.slice(start, end)` to its value; undefined for a style it does not
 * know. `parsed` is the value the parser gave, used for a block scalar's indentation (which an
 * indentation indicator such as `|2` can set below that of the first line).
 */
export function scalarSourceMap(text: string, start: number, end: number, style: string, parsed: string): SourceMap | undefined {
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') return blockMap(text, start, end, style === 'BLOCK_FOLDED', parsed);
  if (style === 'PLAIN') return flowMap(text, start, end, 'plain');
  if (style === 'QUOTE_SINGLE') return flowMap(text, start + 1, end - 1, 'single');
  if (style === 'QUOTE_DOUBLE') return flowMap(text, start + 1, end - 1, 'double');
  return undefined;
}

/** Collects the value character by character with the source offset each one came from. */
function sourceMapBuilder(): { emit(chars: string, at: number): void; trimTrailingBlanks(): void; result(): SourceMap } {
  const value: string[] = [];
  const offsets: number[] = [];
  return {
    emit(chars, at) {
      for (const c of chars.split('')) {
        value.push(c);
        offsets.push(at);
      }
    },
    /** Folding drops the blanks that end a line. */
    trimTrailingBlanks() {
      while (value.length > 0 && isBlank(value[value.length - 1])) {
        value.pop();
        offsets.pop();
      }
    },
    result: () => ({ value: value.join(''), offsets }),
  };
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** Plain and quoted scalars: escapes, and line breaks folded to a space (or kept, one per empty line). */
function flowMap(text: string, from: number, to: number, kind: 'plain' | 'single' | 'double'): SourceMap {
  const { emit, trimTrailingBlanks, result } = sourceMapBuilder();
  let i = from;
  /** Skips a line break, then empty lines and the next line's indentation; returns how many empty lines. */
  const skipBreaks = (): number => {
    let empty = -1;
    while (i < to && isBreak(text[i])) {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      empty++;
      while (i < to && isBlank(text[i])) i++;
    }
    return Math.max(0, empty);
  };
  while (i < to) {
    const c = text[i] as string;
    if (isBreak(c)) {
      trimTrailingBlanks();
      const at = i;
      const empty = skipBreaks();
      emit(empty === 0 ? ' ' : '\n'.repeat(empty), at);
    } else if (kind === 'single' && c === "'" && text[i + 1] === "'") {
      emit("'", i);
      i += 2;
    } else if (kind === 'double' && c === '\\') {
      const next = text[i + 1] ?? '';
      if (isBreak(next)) {
        i++;
        skipBreaks();
      } else if (HEX_LENGTH[next]) {
        const length = HEX_LENGTH[next] as number;
        const code = Number.parseInt(text.slice(i + 2, i + 2 + length), 16);
        emit(Number.isFinite(code) ? String.fromCodePoint(code) : '', i);
        i += 2 + length;
      } else {
        emit(ESCAPES[next] ?? next, i);
        i += 2;
      }
    } else {
      emit(c, i);
      i++;
    }
  }
  return result();
}

/** Block scalars: the header line is skipped, the indentation stripped, and `>` folds plain lines. */
function blockMap(text: string, start: number, end: number, folded: boolean, parsed: string): SourceMap | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return { value: '', offsets: [] };
  const lines: { at: number; text: string }[] = [];
  let at = headerEnd + 1;
  while (at < end) {
    const lineEnd = Math.min(end, text.indexOf('\n', at) < 0 ? end : text.indexOf('\n', at));
    lines.push({ at, text: text.slice(at, lineEnd).replace(/\r$/, '') });
    at = lineEnd + 1;
  }
  const first = lines.find((l) => l.text.trim() !== '');
  if (!first) return { value: '', offsets: [] };
  const leading = (line: string): number => line.length - line.trimStart().length;
  const firstParsed = parsed.split('\n').find((l) => l.trim() !== '') ?? '';
  const indent = Math.max(0, leading(first.text) - leading(firstParsed));
  const { emit, result } = sourceMapBuilder();
  let started = false;
  let pendingEmpty = 0;
  let previousPlain = false;
  let previousEnd = 0;
  for (const line of lines) {
    const content = line.text.slice(indent);
    if (content.length === 0) {
      pendingEmpty++;
      continue;
    }
    const plain = !isBlank(content[0]);
    if (!started) emit('\n'.repeat(pendingEmpty), line.at);
    else if (folded && plain && previousPlain) emit(pendingEmpty === 0 ? ' ' : '\n'.repeat(pendingEmpty), previousEnd);
    else emit('\n'.repeat(pendingEmpty + 1), previousEnd);
    content.split('').forEach((c, k) => emit(c, line.at + indent + k));
    started = true;
    pendingEmpty = 0;
    previousPlain = plain;
    previousEnd = line.at + line.text.length;
  }
  return result();
}
