// The site profile: what one customer's Sage 100 actually does, as found by `agent selftest` on their
// server, so the boi driver adapts without a code change. Every name the driver could only guess
// (sage100.md §7, §9) lives here; DEFAULT_PROFILE holds today's best guesses, unverified.

export interface BusTask {
  bus: string;
  task: string;
}

export interface SiteProfile {
  profileVersion: 1;
  /** Written by a selftest run with no FAIL; null = guesses only (headcount then answers 501). */
  verified: { at: string; by: string; company: string; headcount: boolean } | null;
  objects: {
    subAccount: BusTask;
    account: BusTask;
    mainAccount: BusTask;
    budget: BusTask;
    /** GL_Options has no business object in the 4.40 layouts; null = none found (use accountFormat). */
    options: { name: string; key: string | null } | null;
    structure: string | null;
    fiscalCalendar: string | null;
  };
  /** The GL_Options.AccountFormat string, when it cannot be read through an object (e.g. `-N04N02A03N02`). */
  accountFormat: string | null;
  /** How a formatted account is found: through the kACCOUNT index, or by scanning (always works). */
  accountLookup: { method: 'index' | 'scan'; index: string };
  budget: { code: string; columns: { code: string; accountKey: string; year: string; period: string; amount: string } };
  fiscalColumns: { year: string; period: string; endDate: string };
  /** Regular expressions (case-insensitive) that classify sLastErrorMsg texts. */
  messages: { lock: string; licence: string; security: string; company: string };
  /** The variant type nGetValue's by-reference argument needs for `$` and for numeric columns. */
  byRef: { string: 'string' | 'number'; numeric: 'number' | 'string' };
}

export const DEFAULT_PROFILE: SiteProfile = {
  profileVersion: 1,
  verified: null,
  objects: {
    subAccount: { bus: 'GL_SubAccount_bus', task: 'GL_SubAccount_ui' }, // [C]
    account: { bus: 'GL_Account_bus', task: 'GL_Account_ui' }, // [C]
    mainAccount: { bus: 'GL_MainAccount_bus', task: 'GL_MainAccount_ui' }, // [C] sage100.md §1.3
    budget: { bus: 'GL_BudgetDetail_bus', task: 'GL_Budget_ui' }, // [I]
    options: { name: 'GL_Options_svc', key: 'G/L' }, // [I] object; [C] keyed by ModuleCode
    structure: 'GL_AccountStructure_svc', // [I]
    fiscalCalendar: 'GL_FiscalYear_svc', // [I]
  },
  accountFormat: null,
  // Scanning needs nothing unverified; the kACCOUNT index is used once a selftest has seen it work.
  accountLookup: { method: 'scan', index: 'kACCOUNT' },
  budget: {
    code: 'HEADCOUNT', // a 10-character Budget Code the customer creates (sage100.md §9)
    columns: { code: 'BudgetCode$', accountKey: 'AccountKey$', year: 'FiscalYear$', period: 'FiscalPeriod$', amount: 'BudgetAmount' }, // [I] object; [C] year/period names
  },
  fiscalColumns: { year: 'FiscalYear$', period: 'FiscalPeriod$', endDate: 'PeriodEndingDate$' }, // [I]
  messages: {
    lock: '\\b(in use|locked|lock)\\b',
    licence: 'licen[cs]e',
    security: 'security|rights|permission|not authori[sz]ed',
    company: 'company .*(does not exist|not set up|external access)',
  },
  byRef: { string: 'string', numeric: 'number' }, // [C] crgolden: '' for `$` columns, 0 otherwise
};

export interface MessagePatterns {
  lock: RegExp;
  licence: RegExp;
  security: RegExp;
  company: RegExp;
}

/** Compiles the message patterns; a pattern that does not compile names its key. */
export function compilePatterns(messages: SiteProfile['messages']): MessagePatterns | { key: string; message: string } {
  const out: Partial<MessagePatterns> = {};
  for (const key of ['lock', 'licence', 'security', 'company'] as const) {
    try {
      out[key] = new RegExp(messages[key], 'i');
    } catch (error) {
      return { key: `messages.${key}`, message: (error as Error).message };
    }
  }
  return out as MessagePatterns;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges a partial profile over the defaults: objects merge key by key, anything else (null included) replaces. */
export function mergeProfile(base: SiteProfile, partial: unknown): SiteProfile {
  const merge = (a: unknown, b: unknown): unknown => {
    if (!isPlain(a) || !isPlain(b)) return b === undefined ? a : b;
    const out: Plain = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = merge(a[key], value);
    return out;
  };
  return merge(base, partial) as SiteProfile;
}

/** The variant a by-ref argument starts as, for a column (`Name$` = string, otherwise numeric). */
export function byRefInitial(profile: SiteProfile, column: string): string | number {
  const kind = column.endsWith('$') ? profile.byRef.string : profile.byRef.numeric;
  return kind === 'string' ? '' : 0;
}
