// The Sage 100 names that are not site-specific (sage100.md labels: [C] confirmed). Everything a
// site can answer differently (object and task names, columns, budget code, message texts) is in the
// site profile, agent/profile/profile.ts, filled in on the customer's server by `agent selftest`.

export const MODULE = 'G/L'; // [C] module codes look like "G/L"
export const PROGID = 'ProvideX.Script'; // [C]
/** GL_MainAccount's key is SegmentNo+MainAccountCode with SegmentNo always `01` [C]. */
export const MAIN_SEGMENT_NO = '01';

/** Sage's one-letter status codes. */
export const STATUS_CODES = { active: 'A', inactive: 'I', deleted: 'D' } as const;
export const STATUS_NAMES: Record<string, 'active' | 'inactive' | 'deleted'> = { A: 'active', I: 'inactive', D: 'deleted' };
