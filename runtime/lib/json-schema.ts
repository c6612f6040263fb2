// The one module that wraps ajv. Options are fixed here for every schema the product compiles:
// strict mode on, `$data` off, and allErrors only where we report to a person (never on hot paths
// fed by untrusted input, where it widens ReDoS exposure).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type SchemaError = ErrorObject;
export type Validator<T = unknown> = ValidateFunction<T>;

export interface SchemaCompilerOptions {
  /** Report every problem (for people reading `validate` output) rather than stopping at the first. */
  allErrors?: boolean;
  /** Accept keywords ajv does not know (needed for third-party documents such as OpenAPI files). */
  lenient?: boolean;
  /** Keep the failing schema on each error (used to explain errors: known keys, descriptions). */
  verbose?: boolean;
}

export function createSchemaCompiler(options: SchemaCompilerOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: options.allErrors ?? false,
    strict: !options.lenient,
    // Composed schemas (oneOf of `required` alternatives, discriminated unions) name properties that
    // are defined beside them rather than inside; that is correct JSON Schema, not a typo.
    strictRequired: false,
    $data: false,
    allowUnionTypes: true,
    discriminator: true,
    verbose: options.verbose ?? false,
    validateFormats: true,
  });
  addFormats(ajv);
  return ajv;
}

export type SchemaCompiler = Ajv2020;

let defaultsCompiler: Ajv2020 | undefined;
const defaulters = new WeakMap<object, ValidateFunction>();

/**
 * A copy of `value` with the schema's `default`s filled in (ajv's useDefaults, which also fills the
 * chosen branch of a discriminated oneOf). Call it on values that already passed the schema; the
 * original is left untouched.
 */
export function withSchemaDefaults<T>(schema: Record<string, unknown>, value: T): T {
  if (!defaultsCompiler) {
    defaultsCompiler = new Ajv2020({ useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true, $data: false });
    addFormats(defaultsCompiler);
  }
  let validate = defaulters.get(schema);
  if (!validate) {
    validate = defaultsCompiler.compile(schema);
    defaulters.set(schema, validate);
  }
  const copy = structuredClone(value);
  validate(copy);
  return copy;
}
