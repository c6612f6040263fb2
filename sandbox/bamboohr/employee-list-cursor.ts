// Opaque cursors for GET /api/v1/employees. A cursor names its direction and its boundary employee
// (BambooHR's own example cursor decodes to `{"cursor": "after-124"}`), plus a short fingerprint
// of the boundary's sort-key values, so that a boundary that was deleted, stopped matching, or moved
// in the order is answered BadPage instead of silently skipping or repeating employees.
// Two encodings, chosen by the `employeeListCursor` setting (the spec declares both):
//   string:  base64url of {"cursor":"after-124","key":"<12 hex>"}
//   integer: ((fingerprint19 * 2^32 + employeeId) * 2 + direction), at most 2^52, sent as digits.
import { createHash } from 'node:crypto';

export type Direction = 'after' | 'before';
export type CursorStyle = 'string' | 'integer';

export interface Cursor {
  direction: Direction;
  employeeId: number;
  /** Hex (string style) or a 19-bit number as decimal text (integer style). */
  fingerprint: string;
}

const ID_SPAN = 2 ** 32;
const FP_BITS = 19;

/** Fingerprint of a boundary's sort-key values, in the form the given style carries. */
export function fingerprint(style: CursorStyle, sortValues: readonly unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(sortValues)).digest();
  return style === 'string' ? digest.subarray(0, 6).toString('hex') : String(digest.readUInt32BE(0) >>> (32 - FP_BITS));
}

export function encodeCursor(style: CursorStyle, cursor: Cursor): string {
  if (style === 'string') {
    return Buffer.from(JSON.stringify({ cursor: `${cursor.direction}-${cursor.employeeId}`, key: cursor.fingerprint })).toString('base64url');
  }
  const packed = (Number(cursor.fingerprint) * ID_SPAN + cursor.employeeId) * 2 + (cursor.direction === 'before' ? 1 : 0);
  return String(packed);
}

function decodeString(text: string): Cursor | undefined {
  // Node's base64url decoder also takes the standard alphabet and padding; anything else is not a cursor.
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const { cursor, key } = value as { cursor?: unknown; key?: unknown };
  const m = typeof cursor === 'string' ? /^(after|before)-([1-9]\d{0,9})$/.exec(cursor) : null;
  if (!m || typeof key !== 'string' || !/^[0-9a-f]{12}$/.test(key)) return undefined;
  return { direction: m[1] as Direction, employeeId: Number(m[2]), fingerprint: key };
}

function decodeInteger(text: string): Cursor | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return undefined;
  const direction: Direction = n % 2 === 1 ? 'before' : 'after';
  const rest = Math.floor(n / 2);
  const employeeId = rest % ID_SPAN;
  const fp = Math.floor(rest / ID_SPAN);
  if (employeeId === 0 || fp >= 2 ** FP_BITS) return undefined;
  return { direction, employeeId, fingerprint: String(fp) };
}

/** undefined when the text is not a cursor of this style. */
export function decodeCursor(style: CursorStyle, text: string): Cursor | undefined {
  return style === 'string' ? decodeString(text) : decodeInteger(text);
}

export const CURSOR_LIMITS: Record<CursorStyle, { defaultLimit: number; maxLimit: number }> = {
  string: { defaultLimit: 50, maxLimit: 100 },
  integer: { defaultLimit: 250, maxLimit: 2500 },
};
