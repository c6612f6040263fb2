// The product's own schemas, compiled once per process with error detail for people.
import { readFileSync } from 'node:fs';
import { createSchemaCompiler, type SchemaCompiler, type Validator } from '../lib/json-schema.ts';

type Schema = Record<string, unknown>;

function loadSchema(name: string): Schema {
  return JSON.parse(readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8')) as Schema;
}

export const pipelineSchema = loadSchema('pipeline.schema.json');
export const mappingSchema = loadSchema('mapping.schema.json');
export const casesSchema = loadSchema('cases.schema.json');

let compiler: SchemaCompiler | undefined;
const compiled = new WeakMap<object, Validator>();

/** Compiles (once) a schema for reporting to people: all errors, with the failing schema attached. */
export function reportingValidator(schema: Schema): Validator {
  compiler ??= createSchemaCompiler({ allErrors: true, verbose: true });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compiler.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}
