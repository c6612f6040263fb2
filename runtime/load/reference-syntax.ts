// The one definition of `${secret:name}` and `${env:NAME}`: the schemas' secret pattern, the scanner
// that finds references in strings, and env substitution all come from here.

/** A secret's name: what may follow `secret:`. */
export const SECRET_NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';

/** JSON Schema pattern of a field that must be a stored secret (schema/pipeline.schema.json spells the same; a test checks). */
export const SECRET_REFERENCE_PATTERN = `^\\$\\{secret:${SECRET_NAME}\\}$`;

/** `${word:body}`, any word, so a misspelt kind can be named. */
const REFERENCE = /\$\{([A-Za-z]+):([^}]*)\}/g;
const ENV_REFERENCE = /\$\{env:([^}]+)\}/g;

export const REFERENCE_KINDS = ['env', 'secret'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export interface ReferenceMatch {
  /** The kind as written (may be a misspelling). */
  kind: string;
  name: string;
  text: string;
  offset: number;
}

export function referencesIn(text: string): ReferenceMatch[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({ kind: m[1] ?? '', name: m[2] ?? '', text: m[0], offset: m.index ?? 0 }));
}

/** `${secret:x` or `${env:X` with no closing brace (the rest of the string is taken literally otherwise). */
export function unclosedReference(text: string): string | undefined {
  const match = /\$\{[A-Za-z]+:[^}]*$/.exec(text);
  return match?.[0];
}

export function containsEnvReference(text: string): boolean {
  return /\$\{env:[^}]+\}/.test(text);
}

/** Replaces every `${env:NAME}`; names not set in `env` are listed and left as written. */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): { value: string; names: string[]; unset: string[] } {
  const names: string[] = [];
  const unset: string[] = [];
  const value = text.replace(ENV_REFERENCE, (whole, name: string) => {
    names.push(name);
    const found = env[name];
    if (found === undefined) {
      unset.push(name);
      return whole;
    }
    return found;
  });
  return { value, names, unset };
}
