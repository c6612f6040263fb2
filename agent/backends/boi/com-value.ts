// The one place a COM value becomes a JavaScript value. winax returns a dispatch wrapper (an object
// whose valueOf() gives the primitive) for members without type information, so `msg.trim()` on a
// raw property throws and `rc === 0` never matches; everything the driver reads goes through here.

/** The primitive behind a COM value: unwraps valueOf() wrappers; Nothing/Empty become undefined. */
export function comValue(value: unknown): string | number | boolean | undefined {
  let current: unknown = value;
  // A wrapper's valueOf() may itself return a wrapper (a Variant holding a dispatch); bounded.
  for (let depth = 0; depth < 3 && current !== null && typeof current === 'object'; depth++) {
    const unwrap = (current as { valueOf?: () => unknown }).valueOf;
    if (typeof unwrap !== 'function') return undefined;
    const next = unwrap.call(current);
    if (next === current) return undefined;
    current = next;
  }
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') return current;
  if (typeof current === 'bigint') return Number(current);
  return undefined;
}

/** A COM string (sLastErrorMsg, a `$` column): trailing blanks dropped, Nothing = ''. */
export function comText(value: unknown): string {
  const primitive = comValue(value);
  return primitive === undefined ? '' : String(primitive).trimEnd();
}

/** A BOI return code; anything that is not a number (Nothing, a string) counts as 0, a failure. */
export function comNumber(value: unknown): number {
  const primitive = comValue(value);
  const n = typeof primitive === 'number' ? primitive : typeof primitive === 'string' && primitive.trim() !== '' ? Number(primitive) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** NewObject returns Nothing (null, undefined, or an empty wrapper) when Sage refuses. */
export function isNothing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function');
}

/** The JS type name of what came back, for the selftest transcript ("wrapper" for an object). */
export function comTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'wrapper';
  return typeof value;
}
