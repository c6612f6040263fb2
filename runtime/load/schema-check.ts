// Turns ajv's errors into diagnostics a person can act on: positioned in the YAML, one per problem,
// with the known keys or allowed values suggested when a name is close.
import type { SchemaError, Validator } from '../lib/json-schema.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import type { Diagnostic, Phase } from './diagnostic.ts';
import type { YamlFile } from './yaml-file.ts';
import { withoutEnvDeferred } from './schema-env.ts';
import { unclosedReference } from './reference-syntax.ts';

type Schema = Record<string, unknown>;

export interface SchemaCheckOptions {
  /** Pointer of the checked value inside the YAML document (for connector configs: /source/config). */
  basePointer?: string;
  phase?: Phase;
  /** Root document the schema's local $refs resolve against. */
  rootSchema: Schema;
  /** Check strings holding `${env:…}` as they are, not defer them (for values already resolved). */
  resolved?: boolean;
}

export function checkSchema(validate: Validator, value: unknown, yaml: YamlFile, options: SchemaCheckOptions): Diagnostic[] {
  if (validate(value)) return [];
  const errors = simplify(options.resolved ? (validate.errors ?? []) : withoutEnvDeferred(validate.errors ?? []));
  const base = options.basePointer ?? '';
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const diagnostic = toDiagnostic(error, yaml, base, options);
    const key = `${diagnostic.path}|${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return withoutMisspeltRequired(diagnostics);
}

/** `subdomian: x` is one mistake: the unknown key says "did you mean 'subdomain'", so "missing 'subdomain'" is not said too. */
function withoutMisspeltRequired(diagnostics: Diagnostic[]): Diagnostic[] {
  const meant = new Set(
    diagnostics
      .filter((d) => d.code === 'MLC_SCHEMA_UNKNOWN_KEY')
      .flatMap((d) => {
        const suggestion = /did you mean '([^']+)'/.exec(d.message)?.[1];
        return suggestion ? [`${d.path.slice(0, d.path.lastIndexOf('/'))}|${suggestion}`] : [];
      }),
  );
  return diagnostics.filter((d) => d.code !== 'MLC_SCHEMA_MISSING_KEY' || !meant.has(`${d.path}|${/missing required key '([^']+)'/.exec(d.message)?.[1] ?? ''}`));
}

/**
 * ajv reports every failing branch of a oneOf. Keep what helps: for a "one of these keys" choice, one
 * message; otherwise the errors of the branch that came closest (fewest errors), without the summary.
 */
function simplify(errors: readonly SchemaError[]): SchemaError[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  let result = [...errors];
  for (const oneOf of oneOfs) {
    const prefix = `${oneOf.schemaPath}/`;
    const inside = result.filter((e) => e.schemaPath.startsWith(prefix));
    const branches = (oneOf.schema as Schema[] | undefined) ?? [];
    const choice = exclusiveKeys(branches, oneOf.data);
    if (choice) {
      result = result.filter((e) => !e.schemaPath.startsWith(prefix));
      continue;
    }
    const byBranch = new Map<string, SchemaError[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const best = [...byBranch.values()].sort((a, b) => a.length - b.length)[0] ?? [];
    result = result.filter((e) => e === oneOf || !e.schemaPath.startsWith(prefix) || best.includes(e));
    if (best.length > 0) result = result.filter((e) => e !== oneOf);
  }
  return result;
}

/**
 * For a oneOf whose branches each require one distinct key (auth: {oauth} or {apiKey}), the keys and
 * how many of them the value has; undefined for any other oneOf.
 */
function exclusiveKeys(branches: readonly Schema[], data: unknown): { keys: string[]; present: string[] } | undefined {
  const keys = branches.map((b) => (Array.isArray(b.required) && b.required.length === 1 ? String(b.required[0]) : undefined));
  if (keys.length < 2 || keys.some((k) => k === undefined) || new Set(keys).size !== keys.length) return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const present = (keys as string[]).filter((k) => k in data);
  return present.length === 1 ? undefined : { keys: keys as string[], present };
}

/** The plain scalar as written at a pointer (e.g. `02`, which YAML reads as the number 2). */
function plainToken(yaml: YamlFile, pointer: string): string | undefined {
  const { line, col } = yaml.locate(pointer);
  const token = /^[^\s,}\]#]+/.exec(yaml.text.split('\n')[line - 1]?.slice(col - 1) ?? '')?.[0];
  return token && !/^['"]/.test(token) ? token : undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const shown = JSON.stringify(value);
  // A long value (a pasted document, a stray expression) is named, not echoed in full.
  return `${typeof value} ${shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}… (${String(value).length} characters)` : shown}`;
}

const MAX_SHOWN = 80;

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema | undefined)?.[part];
  return node as Schema | undefined;
}

/** The property names a schema object allows, following allOf/$ref (for unevaluatedProperties). */
function knownKeys(schema: Schema | undefined, root: Schema): string[] {
  if (!schema) return [];
  const keys = Object.keys((schema.properties as Schema | undefined) ?? {});
  const ref = typeof schema.$ref === 'string' ? resolveRef(schema.$ref, root) : undefined;
  const parts = [...((schema.allOf as Schema[] | undefined) ?? []), ...(ref ? [ref] : [])];
  return [...new Set([...keys, ...parts.flatMap((p) => knownKeys(p, root))])];
}

function toDiagnostic(error: SchemaError, yaml: YamlFile, base: string, options: SchemaCheckOptions): Diagnostic {
  const phase = options.phase ?? 'schema';
  const path = base + error.instancePath;
  const make = (code: Diagnostic['code'], pointer: string, message: string, hint?: string, key = false): Diagnostic => ({
    code,
    phase,
    file: yaml.file,
    ...yaml.locate(pointer, { key }),
    path: pointer,
    message,
    ...(hint ? { hint } : {}),
  });
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as Schema | undefined;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      const known = knownKeys(parent, options.rootSchema).filter((k) => k !== '$schema');
      if (name === '<<') return make('MLC_SCHEMA_UNKNOWN_KEY', `${path}/${name}`, "YAML merge keys ('<<') are not supported", 'write the keys out (an alias *name as a whole value still works)', true);
      const suggestion = closestMatch(name, known);
      return make(
        'MLC_SCHEMA_UNKNOWN_KEY',
        `${path}/${name}`,
        `unknown key '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
        known.length > 0 ? `allowed keys here: ${known.join(', ')}` : undefined,
        true,
      );
    }
    case 'required':
      return make('MLC_SCHEMA_MISSING_KEY', path, `missing required key '${String(params.missingProperty)}'`);
    case 'oneOf': {
      const branches = (error.schema as Schema[] | undefined) ?? [];
      const choice = exclusiveKeys(branches, error.data);
      if (choice) {
        const quoted = choice.keys.map((k) => `'${k}'`).join(' or ');
        return make('MLC_SCHEMA_INVALID', path, choice.present.length > 1 ? `has ${choice.present.map((k) => `'${k}'`).join(' and ')}; use exactly one of ${quoted}` : `needs one of ${quoted}`);
      }
      return make('MLC_SCHEMA_INVALID', path, 'matches none of the allowed forms');
    }
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error === 'tag') return make('MLC_SCHEMA_MISSING_KEY', path, `missing required key '${tag}'`);
      const value = (error.data as Schema | undefined)?.[tag];
      const allowed = ((parent?.oneOf as Schema[] | undefined) ?? [])
        .map((b) => resolveRef(String(b.$ref), options.rootSchema))
        .map((b) => ((b?.properties as Schema | undefined)?.[tag] as Schema | undefined)?.const)
        .filter((v): v is string => typeof v === 'string');
      const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
      return make('MLC_SCHEMA_INVALID', `${path}/${tag}`, `unknown ${tag} ${JSON.stringify(value)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, `allowed: ${allowed.join(', ')}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v));
      const suggestion = typeof error.data === 'string' ? closestMatch(error.data, allowed) : undefined;
      return make('MLC_SCHEMA_INVALID', path, `must be one of ${allowed.join(', ')}; got ${describeType(error.data)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
    }
    case 'minProperties': {
      const known = Object.keys((parent?.properties as Schema | undefined) ?? {});
      if (known.length > 0 && params.limit === 1) return make('MLC_SCHEMA_INVALID', path, `needs at least one of ${known.map((k) => `'${k}'`).join(', ')}`, typeof parent?.description === 'string' ? parent.description : undefined);
      return make('MLC_SCHEMA_INVALID', path, error.message ?? 'has too few keys');
    }
    case 'const':
      return make('MLC_SCHEMA_INVALID', path, `must be ${JSON.stringify(params.allowedValue)}; got ${describeType(error.data)}`);
    case 'type': {
      const written = params.type === 'string' && (typeof error.data === 'number' || typeof error.data === 'boolean') ? plainToken(yaml, path) : undefined;
      if (written !== undefined && written !== String(error.data)) {
        return make('MLC_SCHEMA_INVALID', path, `must be string; YAML reads ${written} as the ${typeof error.data} ${String(error.data)}`, `put it in quotes to keep it as written: "${written}"`);
      }
      return make('MLC_SCHEMA_INVALID', path, `must be ${String(params.type)}; got ${describeType(error.data)}`, written !== undefined ? `put it in quotes if it is meant as text: "${written}"` : undefined);
    }
    case 'pattern': {
      const pattern = String(params.pattern);
      if (pattern.includes('secret:')) {
        const unclosed = typeof error.data === 'string' ? unclosedReference(error.data) : undefined;
        if (unclosed) return make('MLC_SCHEMA_INVALID', path, `'${unclosed}' has no closing brace (did you mean '${unclosed}}'?)`);
        const reference = typeof error.data === 'string' ? /^\$\{([A-Za-z]+):([^}]*)\}$/.exec(error.data) : null;
        if (reference) return make('MLC_SCHEMA_INVALID', path, `'${String(error.data)}' is not a \${secret:name} reference (did you mean '\${secret:${reference[2] ?? ''}}'?)`);
        return make('MLC_SCHEMA_INVALID', path, 'must be a ${secret:name} reference; secrets are never written inline', 'store the value with the secret store and refer to it by name');
      }
      if (pattern.startsWith('^https://') && typeof error.data === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(error.data)) {
        return make('MLC_SCHEMA_INVALID', path, `${describeType(error.data)} has no scheme (did you mean 'https://${error.data.replace(/^\/+/, '')}'?)`, 'write the whole URL, starting with https://');
      }
      if (pattern.startsWith('^https://')) {
        return make('MLC_SCHEMA_INVALID', path, `${describeType(error.data)} is not an https:// URL; credentials never travel over plain HTTP`);
      }
      const description = typeof parent?.description === 'string' ? parent.description : undefined;
      return make('MLC_SCHEMA_INVALID', path, `${describeType(error.data)} does not have the expected form (${pattern})`, description);
    }
    default:
      return make('MLC_SCHEMA_INVALID', path, error.message ?? `fails ${error.keyword}`, typeof parent?.description === 'string' ? parent.description : undefined);
  }
}
