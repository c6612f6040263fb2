// A YAML file parsed once, with the means to turn a JSON path back into file:line:col.
import { LineCounter, findNode, nodeRange, parseYamlDocument, stringScalar, yamlProblems, yamlToJs, type YamlDocument } from '../lib/yaml.ts';
import { scalarSourceMap } from './scalar-source.ts';
import { jsonPointer, parsePointer, type Diagnostic } from './diagnostic.ts';
import { explainIndentation, INDENTATION_CODES } from './yaml-indentation.ts';

export interface Position {
  line: number;
  col: number;
}

export interface YamlFile {
  file: string;
  text: string;
  value: unknown;
  /** Position of the value at a JSON pointer (or of its nearest existing ancestor); `key` points at a map key instead. */
  locate(pointer: string, options?: { key?: boolean }): Position;
  /** Position of a character offset inside the string value at a pointer (for expression errors). */
  locateInString(pointer: string, offset: number): Position;
}

export type YamlParse = { ok: true; yaml: YamlFile } | { ok: false; diagnostics: Diagnostic[] };

const PROBLEM_CODES: Record<string, Diagnostic['code']> = { DUPLICATE_KEY: 'MLC_YAML_DUPLICATE_KEY' };

/** Messages of the yaml library that name its API or an engine limit, in words for the person editing the file. */
const MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document (a second starts here)',
  RESOURCE_EXHAUSTION: 'the YAML is nested too deeply to read',
};

const HINTS: Record<string, string> = {
  MULTIPLE_DOCS: 'one pipeline, mapping table or cases list per file: remove the `---` line and what follows, or split the file',
  RESOURCE_EXHAUSTION: 'flatten the structure; no pipeline needs hundreds of nested levels',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  DUPLICATE_KEY: 'remove one of the two; the later one would silently win in many tools',
  TAG_RESOLVE_FAILED: 'custom tags are not supported; write the value plainly',
};

export function parseYamlFile(file: string, text: string): YamlParse {
  const { document, lineCounter } = parseYamlDocument(text);
  // A stack overflow can surface twice (as an error, and as a tag that failed to resolve), at the
  // same place or (Node 24) a column apart: one message per document.
  const seen = new Set<string>();
  const problems = yamlProblems(document)
    .map((p) => (/call stack size/i.test(p.message) ? { ...p, code: 'RESOURCE_EXHAUSTION' } : p))
    .filter((p) => {
      const key = p.code === 'RESOURCE_EXHAUSTION' ? p.code : `${p.code}|${p.line}|${p.col}`;
      return !seen.has(key) && Boolean(seen.add(key));
    });
  if (problems.length > 0) {
    // One misplaced key makes the parser report several things, and every later sibling again: the first says it.
    // Only when it is the first thing wrong: after another mistake (an unclosed bracket) it is a consequence.
    const first = problems[0];
    const firstIndentation = first && INDENTATION_CODES.has(first.code) && explainIndentation(text, first) ? first : undefined;
    const kept = problems.filter((p) => !firstIndentation || !INDENTATION_CODES.has(p.code) || p === firstIndentation);
    return {
      ok: false,
      diagnostics: kept.map((p): Diagnostic => {
        const base = { code: PROBLEM_CODES[p.code] ?? 'MLC_YAML_SYNTAX', phase: 'parse', file, path: '' } as const;
        const indentation = p === firstIndentation ? explainIndentation(text, p) : undefined;
        if (indentation) return { ...base, ...indentation };
        const duplicate = p.code === 'DUPLICATE_KEY' ? describeDuplicate(text, p.line, p.col) : undefined;
        return { ...base, line: p.line, col: p.col, message: duplicate ?? MESSAGES[p.code] ?? p.message, ...(HINTS[p.code] ? { hint: HINTS[p.code] } : {}) };
      }),
    };
  }
  let value: unknown;
  try {
    value = yamlToJs(document);
  } catch (error) {
    const unresolved = error instanceof ReferenceError ? /^Unresolved alias[^:]*: (.+)$/.exec(error.message)?.[1] : undefined;
    if (unresolved !== undefined) {
      const offset = Math.max(0, text.indexOf(`*${unresolved}`));
      const pos = lineCounter.linePos(offset);
      return {
        ok: false,
        diagnostics: [{ code: 'MLC_YAML_SYNTAX', phase: 'parse', file, line: pos.line, col: pos.col, path: '', message: `alias '*${unresolved}' has no anchor '&${unresolved}' before it`, hint: 'an anchor must be set (&name) before an alias (*name) refers to it' }],
      };
    }
    if (error instanceof ReferenceError) {
      const at = firstAliasPosition(text, lineCounter);
      return {
        ok: false,
        diagnostics: [{ code: 'MLC_YAML_ALIAS_LIMIT', phase: 'parse', file, ...at, path: '', message: 'aliases expand to too many nodes (a resource-exhaustion pattern)', hint: 'write the values out, or use fewer nested aliases' }],
      };
    }
    throw error;
  }
  return { ok: true, yaml: makeYamlFile(file, text, value, document, lineCounter) };
}

/** "key 'name' appears twice in this mapping (first on line 3)", from the text around the second one. */
function describeDuplicate(text: string, line: number, col: number): string | undefined {
  const lines = text.split('\n');
  const keyAt = (l: number, c: number): string | undefined => /^(['"]?)([^'":#]+?)\1\s*:/.exec((lines[l - 1] ?? '').slice(c - 1))?.[2];
  const key = keyAt(line, col);
  if (!key) return undefined;
  for (let l = line - 1; l >= 1; l--) {
    const other = lines[l - 1] ?? '';
    if (other.trim() === '' || other.trim().startsWith('#')) continue;
    const indent = /^\s*(?:-\s+)?/.exec(other)?.[0].length ?? 0;
    if (indent === col - 1 && keyAt(l, col) === key) return `key '${key}' appears twice in this mapping (first on line ${l})`;
    if (indent < col - 1) break; // left the mapping
  }
  return `key '${key}' appears twice in this mapping`;
}

function firstAliasPosition(text: string, lineCounter: LineCounter): Position {
  const offset = Math.max(0, text.search(/\*[A-Za-z0-9_-]/));
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function makeYamlFile(file: string, text: string, value: unknown, document: YamlDocument, lineCounter: LineCounter): YamlFile {
  const at = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  return {
    file,
    text,
    value,
    locate(pointer, options = {}) {
      const found = findNode(document, parsePointer(pointer));
      const target = options.key && found.exact && found.keyNode ? found.keyNode : found.node;
      const range = nodeRange(target);
      return range ? at(range[0]) : { line: 1, col: 1 };
    },
    locateInString(pointer, offset) {
      const found = findNode(document, parsePointer(pointer));
      const range = nodeRange(found.node);
      if (!range) return { line: 1, col: 1 };
      const scalar = stringScalar(found.node);
      const map = scalar ? scalarSourceMap(text, range[0], range[1], scalar.style, scalar.value) : undefined;
      if (map && scalar && map.value.trimEnd() === scalar.value.trimEnd() && map.offsets.length > 0) {
        const last = map.offsets.length - 1;
        return at(offset <= last ? (map.offsets[offset] as number) : (map.offsets[last] as number) + 1);
      }
      return positionInScalarSource(text, range[0], range[1], offset, at);
    },
  };
}

/**
 * The fallback when scalarSourceMap cannot rebuild the value exactly: walks the scalar's source text
 * skipping what YAML strips (quotes, the block header line, indentation); approximate.
 */
function positionInScalarSource(text: string, start: number, end: number, offset: number, at: (o: number) => Position): Position {
  const source = text.slice(start, end);
  let index = 0;
  if (source.startsWith('|') || source.startsWith('>')) {
    const firstBreak = source.indexOf('\n');
    index = firstBreak < 0 ? source.length : firstBreak + 1;
    const indent = /^[ ]*/.exec(source.slice(index))?.[0].length ?? 0;
    let remaining = offset;
    while (index < source.length && remaining > 0) {
      if (source[index] === '\n') {
        index += 1 + indent;
      } else {
        index++;
      }
      remaining--;
    }
    if (source[index] === '\n') index += 1 + indent;
    return at(start + Math.min(index, source.length));
  }
  if (source.startsWith('"') || source.startsWith("'")) index = 1;
  return at(start + Math.min(index + offset, source.length));
}

export { jsonPointer };
