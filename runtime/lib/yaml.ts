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
