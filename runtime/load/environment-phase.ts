// The environment phase: `${env:NAME}` variables are set and `${secret:name}` secrets exist, and
// every value built from the environment is checked, once resolved, against the same rules as a
// value written inline (the schema phase deferred them). With --offline none of this can be known,
// and the file says so once.
import { closestMatch } from '../util/did-you-mean.ts';
import { isError, jsonPointer, parsePointer, type Diagnostic } from './diagnostic.ts';
import { containsEnvReference, substituteEnv } from './reference-syntax.ts';
import { findReferences, type SecretLookup } from './references.ts';
import type { YamlFile } from './yaml-file.ts';

export interface EnvironmentOptions {
  env: NodeJS.ProcessEnv;
  secrets: SecretLookup;
  offline: boolean;
}

/** The document with every set `${env:…}` replaced, and which variables each replaced value used. */
export interface ResolvedDocument {
  value: unknown;
  variables: Map<string, string[]>;
}

export function resolveEnv(doc: unknown, env: NodeJS.ProcessEnv): ResolvedDocument {
  const variables = new Map<string, string[]>();
  const visit = (node: unknown, at: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (!containsEnvReference(node)) return node;
      const { value, names, unset } = substituteEnv(node, env);
      if (unset.length === 0) variables.set(jsonPointer(at), names);
      return value;
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...at, i]));
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, [...at, k])]));
    return node;
  };
  return { value: visit(doc, []), variables };
}

/** Pointers whose value holds an env reference (checked only once resolved). */
export function envPointers(doc: unknown): Set<string> {
  return new Set(findReferences(doc).references.filter((r) => r.kind === 'env').map((r) => r.pointer));
}

const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Problems the resolved document has that the document as written did not, at values taken from the
 * environment, each reworded to name the variable. `check` runs the same checks as the earlier phases.
 */
export function checkResolved(resolved: ResolvedDocument, earlier: readonly Diagnostic[], check: (doc: unknown) => Diagnostic[]): Diagnostic[] {
  if (resolved.variables.size === 0) return [];
  // A path already reported (a secret field holding an env reference) is not reported again.
  const seen = new Set(earlier.filter(isError).map((d) => d.path));
  const out: Diagnostic[] = [];
  for (const d of check(resolved.value)) {
    const pointer = [...resolved.variables.keys()].find((p) => related(p, d.path));
    if (pointer === undefined || seen.has(d.path)) continue;
    seen.add(d.path);
    const names = (resolved.variables.get(pointer) ?? []).join(', ');
    const field = parsePointer(pointer).filter((s) => !/^\d+$/.test(s)).pop() ?? pointer;
    out.push({ ...d, code: 'MLC_ENV_INVALID', phase: 'environment', message: `${field} comes from ${names}, whose value does not fit: ${d.message}`, hint: d.hint ?? `set ${names} to a value ${field} accepts` });
  }
  return out;
}

/** `reported`: paths earlier phases already explained, so a malformed reference is not reported twice. */
export async function checkReferences(doc: unknown, yaml: YamlFile, options: EnvironmentOptions, reported: ReadonlySet<string>): Promise<Diagnostic[]> {
  const { references, malformed } = findReferences(doc);
  const diagnostics: Diagnostic[] = malformed
    .filter((m) => !reported.has(m.pointer))
    .map((m) => ({
      code: 'MLC_SCHEMA_INVALID',
      phase: 'environment',
      file: yaml.file,
      ...yaml.locate(m.pointer),
      path: m.pointer,
      message: m.unclosed ? `'${m.text}' has no closing brace (did you mean '${m.suggestion ?? ''}'?)` : `'${m.text}' is not a reference${m.suggestion ? ` (did you mean '${m.suggestion}'?)` : ''}`,
      hint: 'references are ${env:NAME} or ${secret:name}',
    }));
  const envCount = references.filter((r) => r.kind === 'env').length;
  if (options.offline) {
    const first = references.find((r) => r.kind === 'env');
    if (first) {
      diagnostics.push({
        code: 'MLC_ENV_UNCHECKED',
        phase: 'environment',
        severity: 'info',
        file: yaml.file,
        ...yaml.locate(first.pointer),
        path: first.pointer,
        message: `${envCount} value${envCount === 1 ? '' : 's'} taken from the environment ${envCount === 1 ? 'was' : 'were'} not checked against ${envCount === 1 ? 'its field' : 'their fields'}: --offline`,
        hint: 'run validate without --offline where the variables are set to check them',
      });
    }
    return diagnostics;
  }
  const envNames = Object.keys(options.env);
  const secretsCheckable = options.secrets.configured();
  const secretRefs = references.filter((r) => r.kind === 'secret');
  const firstSecret = secretRefs[0];
  if (firstSecret && !secretsCheckable) {
    const count = secretRefs.length;
    diagnostics.push({
      code: 'MLC_SECRETS_UNCHECKED',
      phase: 'environment',
      severity: 'warning',
      file: yaml.file,
      ...yaml.locate(firstSecret.pointer),
      path: firstSecret.pointer,
      message: `${count} secret reference${count === 1 ? ' was' : 's were'} not checked: no secret store is configured here`,
      hint: "store them with 'ml-connector secrets set', or set ML_CONNECTOR_SECRETS_DIR / --secrets-dir or ML_CONNECTOR_SECRET_<NAME> variables; --offline skips this phase",
    });
  }
  for (const reference of references) {
    const at = { file: yaml.file, ...yaml.locate(reference.pointer), path: reference.pointer };
    if (reference.kind === 'env' && options.env[reference.name] === undefined) {
      const suggestion = closestMatch(reference.name, envNames);
      diagnostics.push({ code: 'MLC_ENV_UNSET', phase: 'environment', ...at, message: `environment variable ${reference.name} is not set${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, hint: 'set it, or run validate with --offline where the environment is not available' });
    }
    if (reference.kind === 'secret' && secretsCheckable && !(await options.secrets.has(reference.name))) {
      diagnostics.push({ code: 'MLC_SECRET_MISSING', phase: 'environment', ...at, message: `secret '${reference.name}' is not stored`, hint: `looked in ${options.secrets.describe(reference.name)}; or run validate with --offline` });
    }
  }
  return diagnostics;
}
