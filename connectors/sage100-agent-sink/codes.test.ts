import { describe, expect, it } from 'vitest';
import { KBS_FORMAT } from '../../test/support/sage100-agent.ts';
import { AccountFormat, headcountKey, parseHeadcountKey, parseSubAccountKey, subAccountKey } from './codes.ts';

const format = new AccountFormat({ url: 'https://x', tls: { fingerprint256: 'AB'.repeat(32) }, auth: { apiKey: '${secret:k}' }, company: 'KBS', accountFormat: KBS_FORMAT });

describe('segment codes and keys', () => {
  it('normalises codes as Sage stores them', () => {
    expect(format.normalize(format.byName('division'), '7')).toBe('07');
    expect(format.normalize(format.byName('department'), 'whs')).toBe('WHS');
  });

  it('refuses codes that do not fit, naming the segment and its rule', () => {
    expect(() => format.normalize(format.byName('division'), '123')).toThrow(/segment 'division' \(at most 2 characters\)/);
    expect(() => format.normalize(format.byName('location'), 'A1')).toThrow(/numeric: digits only/);
    expect(() => format.normalize(format.byName('department'), 'W H')).toThrow(/alphanumeric/);
    expect(() => format.normalize(format.byName('department'), '')).toThrow(/a code is required/);
    expect(() => format.byName('region')).toThrow(/segment 'region' is not in the account format \(main, division, department, location\)/);
    expect(() => format.costCenterCodes({ division: '10', department: 'OPS', location: '01', region: 'X' })).toThrow(/'region'/);
  });

  it('builds and parses the three key forms', () => {
    const codes = format.costCenterCodes({ division: '10', department: 'whs', location: '1' });
    expect(codes).toEqual({ '02': '10', '03': 'WHS', '04': '01' });
    expect(format.accountKey('6000', codes)).toBe('6000-10-WHS-01');
    expect(format.parseCostCenterKey('10-WHS-01')).toEqual(codes);
    expect(format.namesOf(codes)).toEqual({ division: '10', department: 'WHS', location: '01' });
    expect(parseHeadcountKey(headcountKey('10-WHS-01', '2026-11'))).toEqual({ costCenter: '10-WHS-01', period: '2026-11' });
    expect(parseSubAccountKey(subAccountKey('department', 'WHS'))).toEqual({ segment: 'department', code: 'WHS' });
  });
});
