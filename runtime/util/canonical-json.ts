// One canonical text for a JSON value (object keys sorted), so equal values compare equal and hash
// the same whatever order a connector or an expression produced their keys in.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).filter((k) => object[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
}

/** Equal canonical texts. Plain JSON values are compared directly, without building the texts. */
export function sameJson(a: unknown, b: unknown): boolean {
  return plainEqual(a, b) ?? canonicalJson(a) === canonicalJson(b);
}

const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Whether two values have equal canonical texts, when that is certain from their structure alone
 * (strings, finite numbers, booleans, null, arrays and plain objects; an object's undefined members
 * do not count, as in the text). undefined when something else turns up (undefined in an array, a
 * non-finite number, a Date): the texts decide then.
 */
function plainEqual(a: unknown, b: unknown): boolean | undefined {
  if (a === b) return true;
  if (isScalar(a) && isScalar(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    // No element's text is empty or holds a top-level comma, so lists of different lengths never match.
    if (a.length !== b.length) return false;
    let verdict: boolean | undefined = true;
    for (let i = 0; i < a.length; i++) {
      const same = plainEqual(a[i], b[i]);
      if (same === undefined) return undefined;
      if (!same) verdict = false;
    }
    return verdict;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    let verdict: boolean | undefined = true;
    let count = 0;
    for (const key of Object.keys(a)) {
      const x = a[key];
      if (x === undefined) continue;
      count++;
      const y = b[key];
      if (y === undefined) {
        verdict = false;
        continue;
      }
      const same = plainEqual(x, y);
      if (same === undefined) return undefined;
      if (!same) verdict = false;
    }
    let others = 0;
    for (const key of Object.keys(b)) if (b[key] !== undefined) others++;
    return verdict && count === others;
  }
  const kinds = [a, b].map((v) => (isScalar(v) ? 'scalar' : Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : 'other'));
  return kinds.includes('other') ? undefined : false;
}

/** Hex SHA-256 of the canonical text of each part, joined by a separator no part can contain. */
export function digest(...parts: unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(canonicalJson(part)).update('\u0000');
  return hash.digest('hex');
}
