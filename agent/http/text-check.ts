// Characters a GL code or description must never carry, refused before anything reaches Sage:
// controls (C0, DEL, C1), bidirectional overrides and marks (a description that reads differently
// than it sorts), zero-width characters (two codes that look the same), and lone surrogates (JSON's
// \ud800 escapes decode to them; they cannot be stored as UTF-8). Invalid UTF-8 in the body is caught
// earlier, when the body is decoded (body.ts).
import { validationError } from '../errors.ts';

const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\p{Cs}/u;

function describe(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function check(value: string, field: string): void {
  const found = FORBIDDEN.exec(value);
  if (found) throw validationError(field, 'charset', `${field} contains ${describe(found[0])}, a control, bidirectional, zero-width or unpaired surrogate character`);
}

/** Throws validation_failed (rule `charset`) naming the first string, or key, that holds one. */
export function assertCleanText(value: unknown, field = ''): void {
  if (typeof value === 'string') {
    check(value, field || '(body)');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertCleanText(item, `${field}[${i}]`));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = field ? `${field}.${key}` : key;
      check(key, path);
      assertCleanText(item, path);
    }
  }
}
