// Every Sage 100 name the boi backend uses, in one place, with how sure we are of it (sage100.md
// labels: [C] confirmed, [I] inferred). Correct an [I] here after checking a real system.

export const MODULE = 'G/L'; // [C] module codes look like "G/L"
export const PROGID = 'ProvideX.Script'; // [C]

export const OBJECTS = {
  subAccount: { bus: 'GL_SubAccount_bus', task: 'GL_SubAccount_ui' }, // [C] object, [C] task pattern
  account: { bus: 'GL_Account_bus', task: 'GL_Account_ui' }, // [C]
  // [I] the object that exposes GL_Options.AccountFormat and the segment descriptions
  options: { bus: 'GL_Options_svc' },
  structure: { bus: 'GL_AccountStructure_svc' },
  // [I] the business object and columns holding budget figures are unverified (sage100.md §7)
  budget: { bus: 'GL_BudgetDetail_bus', task: 'GL_Budget_ui', plan: 'HEADCOUNT' },
} as const;

/** Sage's one-letter status codes. */
export const STATUS_CODES = { active: 'A', inactive: 'I', deleted: 'D' } as const;
export const STATUS_NAMES: Record<string, 'active' | 'inactive' | 'deleted'> = { A: 'active', I: 'inactive', D: 'deleted' };

/**
 * How sLastErrorMsg texts are classified. The real texts for locks, licences and security are
 * unverified (sage100.md §2.4, §7), so these are patterns an installer can override.
 */
export interface MessagePatterns {
  lock: RegExp;
  licence: RegExp;
  security: RegExp;
  company: RegExp;
}

export const DEFAULT_PATTERNS: MessagePatterns = {
  lock: /\b(in use|locked|lock)\b/i,
  licence: /licen[cs]e/i,
  security: /security|rights|permission|not authori[sz]ed/i,
  company: /company .*(does not exist|not set up|external access)/i,
};
