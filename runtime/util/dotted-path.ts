// Reading and writing `a.b.c` paths in plain JSON objects (map steps' `from` and `to`).
type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getPath(record: Obj, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** A copy of `record` with `value` at `path`; objects along the way are copied, never shared. */
export function setPath<T extends Obj>(record: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return record;
  const copy: Obj = { ...record };
  if (rest.length === 0) copy[head] = value;
  else copy[head] = setPath(isObject(copy[head]) ? (copy[head] as Obj) : {}, rest.join('.'), value);
  return copy as T;
}
