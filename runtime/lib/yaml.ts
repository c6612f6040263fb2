// The one module that wraps the `yaml` library. Parsing is position-preserving (so errors can name a
// line and column), duplicate keys are errors, custom tags are refused, and alias expansion is capped
// so that a YAML "billion laughs" fails fast.
import { LineCounter, parseDocument, stringify, isMap, isSeq, isScalar, isPair, type Document, type Node, type ParsedNode } from 'yaml';

export { LineCounter, isMap, isSeq, isScalar, isPair };
export type YamlDocument = Document.Parsed<ParsedNode>;
export type YamlNode = Node;

export interface YamlParseResult {
  document: YamlDocument;
  lineCounter: LineCounter;
}

export function parseYamlDocument(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: true,
    schema: 'core',
    customTags: [],
    merge: false,
    strict: true,
  });
  return { document, lineCounter };
}

/** Alias expansion cap for `toJS`: a document that needs more is rejected rather than expanded. */
export const MAX_ALIAS_COUNT = 100;

export function yamlToJs(document: YamlDocument): unknown {
  return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

/** Plain YAML parse for trusted, bundled files (our own OpenAPI contracts, seeds). */
export function parseTrustedYaml(text: string): unknown {
  const { document } = parseYamlDocument(text);
  if (document.errors.length > 0) throw document.errors[0];
  return yamlToJs(document);
}

export function toYaml(value: unknown): string {
  return stringify(value);
}

export interface YamlProblem {
  code: string;
  message: string;
  /** 1-based line and column of the problem's start. */
  line: number;
  col: number;
}

/** Errors and warnings of a parse, as plain values. Warnings (unresolved custom tags) count as errors here. */
export function yamlProblems(document: YamlDocument): YamlProblem[] {
  return [...document.errors, ...document.warnings].map((e) => ({
    code: e.code,
    message: e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.message,
    line: e.linePos?.[0]?.line ?? 0,
    col: e.linePos?.[0]?.col ?? 0,
  }));
}

/** Offset range [start, valueEnd] of a node, when it has one. */
export function nodeRange(node: unknown): [number, number] | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? [range[0], range[1]] : undefined;
}

/**
 * The node at a path of keys and indexes, or the deepest existing ancestor. Returns which of the two it
 * found, and for a map key also the key node, so errors about keys can point at the key itself.
 */
export function findNode(document: YamlDocument, path: readonly string[]): { node: unknown; keyNode?: unknown; exact: boolean } {
  let current: unknown = document.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return { node: current, exact: false };
      keyNode = pair.key;
      current = pair.value ?? pair.key;
    } else if (isSeq(current)) {
      const item = current.items[Number(segment)];
      if (item === undefined) return { node: current, exact: false };
      keyNode = undefined;
      current = item;
    } else {
      return { node: current, exact: false };
    }
  }
  return { node: current, keyNode, exact: true };
}

/** A string scalar's style (PLAIN, QUOTE_DOUBLE, BLOCK_LITERAL, ...) and value, to map offsets in it to the file. */
export function stringScalar(node: unknown): { style: string; value: string } | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  return { style: String(node.type ?? 'PLAIN'), value: node.value };
}
