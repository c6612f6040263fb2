// `${env:NAME}` may stand in any string. The schema phase cannot know the value, so a string holding
// an env reference is accepted wherever a string is (its pattern, format, length and allowed values
// are checked after resolution, in the environment phase). Secret fields stay strict: an env
// reference is not a secret.
import type { SchemaError } from '../lib/json-schema.ts';
import { containsEnvReference } from './reference-syntax.ts';

const STRING_RULES = new Set(['pattern', 'format', 'minLength', 'maxLength', 'enum']);

function deferred(error: SchemaError): boolean {
  if (typeof error.data !== 'string' || !containsEnvReference(error.data) || !STRING_RULES.has(error.keyword)) return false;
  return !String((error.params as { pattern?: unknown }).pattern ?? '').includes('secret:');
}

/**
 * ajv's errors without those an env reference defers; a oneOf one of whose branches failed only for
 * deferred reasons is dropped with everything inside it, since that branch may well match.
 */
export function withoutEnvDeferred(errors: readonly SchemaError[]): SchemaError[] {
  let result = errors.filter((e) => !deferred(e));
  for (const oneOf of errors.filter((e) => e.keyword === 'oneOf')) {
    const prefix = `${oneOf.schemaPath}/`;
    const branchOf = (e: SchemaError): string => e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix));
    const branches = new Set(inside.map(branchOf));
    const onlyDeferred = [...branches].some((b) => inside.filter((e) => branchOf(e) === b).every(deferred));
    if (onlyDeferred) result = result.filter((e) => e !== oneOf && !e.schemaPath.startsWith(prefix));
  }
  return result;
}
