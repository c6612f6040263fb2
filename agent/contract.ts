// The published contract, agent/openapi.yaml, loaded once and used two ways: request bodies are
// validated against its schemas (so the document and the server cannot drift), and tests check
// every response against its response schemas.
import { readFileSync } from 'node:fs';
import { createSchemaCompiler, type SchemaError, type Validator } from '../runtime/lib/json-schema.ts';
import { parseTrustedYaml } from '../runtime/lib/yaml.ts';

const CONTRACT_ID = 'sage100-agent-openapi';

export interface Contract {
  document: OpenApiDocument;
  schema(name: string): Validator;
  /** Validator for a $ref inside the document, e.g. `#/components/schemas/Error`. */
  ref(pointer: string): Validator;
}

export interface OpenApiDocument {
  info: { version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (cached) return cached;
  const document = parseTrustedYaml(readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8')) as OpenApiDocument;
  // Lenient: OpenAPI adds keywords (description-only ones, `in`, `required` on parameters) that are not JSON Schema.
  const ajv = createSchemaCompiler({ lenient: true });
  ajv.addSchema(document as object, CONTRACT_ID, undefined, false);
  const validators = new Map<string, Validator>();
  const ref = (pointer: string): Validator => {
    let validator = validators.get(pointer);
    if (!validator) {
      validator = ajv.getSchema(`${CONTRACT_ID}${pointer}`);
      if (!validator) throw new Error(`openapi.yaml has no schema at ${pointer}`);
      validators.set(pointer, validator);
    }
    return validator;
  };
  cached = { document, schema: (name) => ref(`#/components/schemas/${name}`), ref };
  return cached;
}

/** Turns ajv's first error into the field (dotted path) and the rule it broke. */
export function describeSchemaError(error: SchemaError | undefined): { field: string; rule: string; message: string } {
  if (!error) return { field: '', rule: 'schema', message: 'the body does not match the contract' };
  const path = error.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  const params = error.params as Record<string, unknown>;
  const extra = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  const field = [path, extra].filter(Boolean).join('.') || '(body)';
  const rule = error.keyword === 'additionalProperties' ? 'unknownField' : error.keyword;
  return { field, rule, message: `${field} ${error.message ?? 'is invalid'}` };
}
