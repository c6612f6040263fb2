// Sage 100 account format rules (sage100.md §1.1–1.2), shared by the simulated Sage database (which
// rejects bad values the way Sage does) and the agent (which explains a rejection as field + rule
// before it ever reaches Sage). One implementation, so the two cannot disagree.

export type SegmentType = 'numeric' | 'alphanumeric';

export interface SegmentSpec {
  /** 1 = main account; 2..10 = sub-account segments. */
  number: number;
  name: string;
  length: number;
  type: SegmentType;
}

export interface AccountStructure {
  separator: string;
  segments: SegmentSpec[];
}

export const LIMITS = {
  minSegments: 1,
  maxSegments: 10,
  mainMin: 3,
  mainMax: 15,
  subMin: 1,
  subMax: 15,
  rawMax: 32,
  formattedMax: 41,
} as const;

/** Why a value does not fit; `rule` is a stable word clients can branch on. */
export interface FormatViolation {
  rule: 'required' | 'maxLength' | 'numeric' | 'charset' | 'segmentCount' | 'unknownSegment';
  message: string;
}

/** The 4.40 `GL_Options.AccountFormat` string: a delimiter, then `A`|`N` + two-digit length per segment. */
export function parseAccountFormat(format: string, names: readonly string[] = []): AccountStructure {
  const separator = format.charAt(0);
  const blocks = format.slice(1).match(/[AN]\d\d/g) ?? [];
  if (!separator || blocks.join('') !== format.slice(1).trim()) throw new Error(`unreadable AccountFormat '${format}'`);
  const segments = blocks.map((block, i) => ({
    number: i + 1,
    name: i === 0 ? 'Main' : (names[i] ?? `Segment ${i + 1}`),
    length: Number(block.slice(1)),
    type: block.startsWith('N') ? ('numeric' as const) : ('alphanumeric' as const),
  }));
  assertValidStructure({ separator, segments });
  return { separator, segments };
}

export function formatString(structure: AccountStructure): string {
  return structure.separator + structure.segments.map((s) => `${s.type === 'numeric' ? 'N' : 'A'}${String(s.length).padStart(2, '0')}`).join('');
}

export function assertValidStructure(structure: AccountStructure): void {
  const { segments } = structure;
  if (segments.length < LIMITS.minSegments || segments.length > LIMITS.maxSegments) throw new Error(`an account has 1 to 10 segments, not ${segments.length}`);
  segments.forEach((segment, i) => {
    const [min, max] = i === 0 ? [LIMITS.mainMin, LIMITS.mainMax] : [LIMITS.subMin, LIMITS.subMax];
    if (segment.length < min || segment.length > max) throw new Error(`segment ${i + 1} length ${segment.length} is outside ${min}-${max}`);
  });
  const raw = segments.reduce((sum, s) => sum + s.length, 0);
  if (raw > LIMITS.rawMax) throw new Error(`raw account length ${raw} exceeds ${LIMITS.rawMax}`);
  if (raw + segments.length - 1 > LIMITS.formattedMax) throw new Error(`formatted account length exceeds ${LIMITS.formattedMax}`);
}

/** The account mask shown in Sage's UI, e.g. `####-##-AAA`. */
export function accountMask(structure: AccountStructure): string {
  return structure.segments.map((s) => (s.type === 'numeric' ? '#' : 'A').repeat(s.length)).join(structure.separator);
}

/**
 * Normalises one segment value the way Sage stores it: numeric values zero-filled on the left,
 * alphanumeric values upper-cased. Returns a violation instead when the value cannot fit.
 */
export function normaliseSegmentValue(segment: SegmentSpec, value: string): { value: string } | { violation: FormatViolation } {
  const trimmed = value.trim();
  if (trimmed.length === 0) return { violation: { rule: 'required', message: `${segment.name} needs a value` } };
  if (trimmed.length > segment.length) {
    return { violation: { rule: 'maxLength', message: `${segment.name} is at most ${segment.length} characters; '${trimmed}' has ${trimmed.length}` } };
  }
  if (segment.type === 'numeric') {
    if (!/^\d+$/.test(trimmed)) return { violation: { rule: 'numeric', message: `${segment.name} is numeric; '${trimmed}' has other characters` } };
    return { value: trimmed.padStart(segment.length, '0') };
  }
  // [I] The set of characters Sage accepts in alphanumeric segments is not documented; letters and
  // digits are what every published example uses, and anything else could collide with the separator.
  // The charset is checked before upper-casing: Unicode case mapping turns 'ß' into 'SS' (longer
  // than the length just checked) and the dotless 'ı' into 'I'.
  if (!/^[A-Za-z0-9]+$/.test(trimmed)) return { violation: { rule: 'charset', message: `${segment.name} accepts letters A-Z and digits only; '${trimmed}' has other characters` } };
  return { value: trimmed.toUpperCase() };
}

export interface ComposedAccount {
  account: string;
  rawAccount: string;
  mainAccount: string;
  /** Sub-account codes by segment number ("02".."10"), normalised. */
  segments: Record<string, string>;
}

/** Builds the formatted and raw account from a main account and every sub-account segment's code. */
export function composeAccount(
  structure: AccountStructure,
  mainAccount: string,
  segments: Readonly<Record<string, string>>,
): ComposedAccount | { field: string; violation: FormatViolation } {
  const known = new Set(structure.segments.slice(1).map((s) => segmentNo(s.number)));
  for (const key of Object.keys(segments)) {
    if (!known.has(key)) return { field: `segments.${key}`, violation: { rule: 'unknownSegment', message: `the account structure has no segment ${key}` } };
  }
  const parts: string[] = [];
  const normalised: Record<string, string> = {};
  for (const spec of structure.segments) {
    const no = segmentNo(spec.number);
    const input = spec.number === 1 ? mainAccount : segments[no];
    const field = spec.number === 1 ? 'mainAccount' : `segments.${no}`;
    const result = normaliseSegmentValue(spec, input ?? '');
    if ('violation' in result) return { field, violation: result.violation };
    parts.push(result.value);
    if (spec.number > 1) normalised[no] = result.value;
  }
  return { account: parts.join(structure.separator), rawAccount: parts.join(''), mainAccount: parts[0] ?? '', segments: normalised };
}

/** Splits a formatted account back into its parts; undefined when it does not follow the structure. */
export function splitAccount(structure: AccountStructure, account: string): ComposedAccount | undefined {
  const parts = account.split(structure.separator);
  if (parts.length !== structure.segments.length) return undefined;
  const segments: Record<string, string> = {};
  structure.segments.forEach((spec, i) => {
    if (i > 0) segments[segmentNo(spec.number)] = parts[i] ?? '';
  });
  const composed = composeAccount(structure, parts[0] ?? '', segments);
  return 'account' in composed && composed.account === account ? composed : undefined;
}

/** Sage's two-digit, zero-filled SegmentNo. */
export function segmentNo(n: number): string {
  return String(n).padStart(2, '0');
}
