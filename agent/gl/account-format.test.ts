// Sage 100 account format rules (sage100.md §1.1), table-driven.
import { describe, expect, it } from 'vitest';
import { accountMask, composeAccount, normaliseSegmentValue, parseAccountFormat, splitAccount } from './account-format.ts';

const kbs = parseAccountFormat('-N04N02A03N02', ['Main', 'Division', 'Department', 'Location']);

describe('account format', () => {
  it('reads the GL_Options format string and builds the mask', () => {
    expect(kbs.separator).toBe('-');
    expect(kbs.segments.map((s) => [s.length, s.type])).toEqual([[4, 'numeric'], [2, 'numeric'], [3, 'alphanumeric'], [2, 'numeric']]);
    expect(accountMask(kbs)).toBe('####-##-AAA-##');
  });

  it.each([
    ['-N02', /main|length 2/i],
    ['-N16', /length 16/],
    ['-N04A00', /length 0/],
    [`-${'N04'.repeat(11)}`, /1 to 10/],
    [`.${'A15'.repeat(3)}`, /raw account length 45/],
    ['-X04', /unreadable/],
  ])('refuses the structure %s', (format, message) => {
    expect(() => parseAccountFormat(format)).toThrow(message);
  });

  it.each([
    ['numeric zero-fill', 1, '10', { value: '10' }],
    ['numeric zero-fill short', 3, '1', { value: '01' }],
    ['alphanumeric upper-case', 2, 'ops', { value: 'OPS' }],
    ['too long', 2, 'OPSX', { rule: 'maxLength' }],
    ['letters in numeric', 1, '1A', { rule: 'numeric' }],
    ['separator in alphanumeric', 2, 'O-S', { rule: 'charset' }],
    ['blank', 2, '  ', { rule: 'required' }],
    // Unicode case mapping must not smuggle a value past the rules: 'ßß' upper-cases to 'SSSS'
    // (4 characters in a 3-character segment), 'ı' (dotless i) to 'I', 'ﬀ' to 'FF'.
    ['sharp s grows when upper-cased', 2, 'ßß', { rule: 'charset' }],
    ['dotless i', 2, 'ıT', { rule: 'charset' }],
    ['ligature', 2, 'ﬀ', { rule: 'charset' }],
    ['accented letter', 2, 'ÉO', { rule: 'charset' }],
    ['fullwidth digit in numeric', 1, '１', { rule: 'numeric' }],
  ])('%s', (_name, index, input, expected) => {
    const result = normaliseSegmentValue(kbs.segments[index]!, input);
    if ('value' in expected) expect(result).toEqual(expected);
    else expect('violation' in result && result.violation.rule).toBe(expected.rule);
  });

  it('composes and splits formatted accounts', () => {
    const composed = composeAccount(kbs, '6000', { '02': '1', '03': 'ops', '04': '1' });
    expect(composed).toEqual({ account: '6000-01-OPS-01', rawAccount: '600001OPS01', mainAccount: '6000', segments: { '02': '01', '03': 'OPS', '04': '01' } });
    expect(composeAccount(kbs, '60000', { '02': '1', '03': 'ops', '04': '1' })).toEqual({ field: 'mainAccount', violation: { rule: 'maxLength', message: expect.any(String) } });
    expect(composeAccount(kbs, '6000', { '02': '1', '03': 'ops', '04': '1', '05': 'x' })).toMatchObject({ field: 'segments.05', violation: { rule: 'unknownSegment' } });
    expect(splitAccount(kbs, '6000-10-OPS-01')?.segments).toEqual({ '02': '10', '03': 'OPS', '04': '01' });
    expect(splitAccount(kbs, '6000-10-OPS')).toBeUndefined();
  });
});
