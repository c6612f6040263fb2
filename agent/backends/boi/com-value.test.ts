import { describe, expect, it } from 'vitest';
import { comNumber, comText, comTypeOf, comValue, isNothing } from './com-value.ts';

const wrap = (v: unknown): object => ({ valueOf: () => v });

describe('COM values', () => {
  it('unwraps dispatch wrappers, nested at most a few levels', () => {
    expect(comValue(wrap('Record is in use'))).toBe('Record is in use');
    expect(comValue(wrap(wrap(3)))).toBe(3);
    expect(comValue({})).toBeUndefined();
    expect(comValue(Object.create(null))).toBeUndefined();
  });

  it('text drops trailing blanks and turns Nothing into an empty string', () => {
    expect(comText(wrap('Sales     '))).toBe('Sales');
    expect(comText(null)).toBe('');
    expect(comText(undefined)).toBe('');
    expect(comText(7)).toBe('7');
  });

  it('return codes: a wrapped number, a numeric string, and anything else as failure', () => {
    expect(comNumber(wrap(2))).toBe(2);
    expect(comNumber('-1')).toBe(-1);
    expect(comNumber(null)).toBe(0);
    expect(comNumber(wrap('x'))).toBe(0);
  });

  it('Nothing and types for the transcript', () => {
    expect(isNothing(null)).toBe(true);
    expect(isNothing(undefined)).toBe(true);
    expect(isNothing({})).toBe(false);
    expect(comTypeOf(wrap('a'))).toBe('wrapper');
    expect(comTypeOf('a')).toBe('string');
  });
});
