// `${env:NAME}` and `${secret:name}` references inside string values.
import { closestMatch } from '../util/did-you-mean.ts';
import { jsonPointer } from './diagnostic.ts';
import { REFERENCE_KINDS, referencesIn, unclosedReference, type ReferenceKind } from './reference-syntax.ts';

export type { ReferenceKind };

export interface Reference {
  kind: ReferenceKind;
  name: string;
  pointer: string;
}

export interface MalformedReference {
  text: string;
  pointer: string;
  suggestion?: string;
  /** The reference has no closing brace. */
  unclosed?: boolean;
}

/** Every reference in a value, with where it sits; `${word:…}` with an unknown word is reported as malformed. */
export function findReferences(value: unknown, path: (string | number)[] = []): { references: Reference[]; malformed: MalformedReference[] } {
  const references: Reference[] = [];
  const malformed: MalformedReference[] = [];
  const visit = (node: unknown, at: (string | number)[]): void => {
    if (typeof node === 'string') {
      for (const { kind, name, text } of referencesIn(node)) {
        if ((REFERENCE_KINDS as readonly string[]).includes(kind) && name.length > 0) {
          references.push({ kind: kind as ReferenceKind, name, pointer: jsonPointer(at) });
        } else {
          const suggestion = closestMatch(kind, REFERENCE_KINDS);
          malformed.push({ text, pointer: jsonPointer(at), ...(suggestion ? { suggestion: `\${${suggestion}:${name}}` } : {}) });
        }
      }
      const unclosed = unclosedReference(node);
      if (unclosed) malformed.push({ text: unclosed, pointer: jsonPointer(at), suggestion: `${unclosed}}`, unclosed: true });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...at, i]));
    } else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) visit(item, [...at, key]);
    }
  };
  visit(value, path);
  return { references, malformed };
}

/** Where secrets come from. The engine's encrypted store implements this; `validate` only asks whether a name exists. */
export interface SecretLookup {
  /** Whether any secret source is set up here; when none is, references cannot be checked. */
  configured(): boolean;
  has(name: string): Promise<boolean>;
  /** Where it looked (for `name`, when given: the concrete variable and file), for the hint of a missing-secret message. */
  describe(name?: string): string;
}
