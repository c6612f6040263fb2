// Which Sage 100 the simulator pretends to be. The default is the strict reading of the 4.40
// layouts and of winax (sage100.md §9); each switch is something a real site may answer otherwise,
// so tests and `agent selftest --backend sim` can check that the selftest notices and that the
// profile it writes makes the driver work there.
import { budgetDetailTable, fiscalCalendarTable, FISCAL_BUDGET_COLUMNS, LEGACY_BUDGET_COLUMNS } from './budget-tables.ts';
import { accountTable, mainAccountTable, optionsTable, structureTable, subAccountTable, type TableDef } from './tables.ts';

export interface SimVariant {
  /** Budget detail columns: `fiscal` (BudgetCode, FiscalYear) or `legacy` (BudgetPlanNo, FiscalYr). */
  budgetColumns: 'fiscal' | 'legacy';
  /** Whether GL_Options_svc exists; without it NewObject returns Nothing. */
  optionsObject: boolean;
  /** sLastErrorMsg and sCompanyName come back as dispatch wrappers, as winax returns them. */
  wrapProperties: boolean;
  /** GL_Account_bus has nSetIndex('kACCOUNT'), so the formatted-account index can be used. */
  accountIndex: boolean;
  /** nGetValue needs a by-reference variant of the column's type ('' for `$`, 0 otherwise). */
  strictByRef: boolean;
}

export const STRICT_VARIANT: SimVariant = { budgetColumns: 'fiscal', optionsObject: true, wrapProperties: true, accountIndex: false, strictByRef: true };

/** `--sim-variant` words, each switching one thing away from the strict default. */
const WORDS: Record<string, Partial<SimVariant>> = {
  'legacy-budget': { budgetColumns: 'legacy' },
  'no-options': { optionsObject: false },
  'plain-properties': { wrapProperties: false },
  'account-index': { accountIndex: true },
  'loose-byref': { strictByRef: false },
};

export function parseVariant(spec: string): SimVariant | { unknown: string; known: string[] } {
  const variant = { ...STRICT_VARIANT };
  for (const word of spec.split(',').map((w) => w.trim()).filter(Boolean)) {
    const change = WORDS[word];
    if (!change) return { unknown: word, known: Object.keys(WORDS) };
    Object.assign(variant, change);
  }
  return variant;
}

/** Business object or service name → table, for this variant. */
export function objectsFor(variant: SimVariant): Readonly<Record<string, TableDef>> {
  return {
    GL_SubAccount_bus: subAccountTable,
    GL_MainAccount_bus: mainAccountTable,
    GL_Account_bus: accountTable,
    GL_BudgetDetail_bus: budgetDetailTable(variant.budgetColumns === 'legacy' ? LEGACY_BUDGET_COLUMNS : FISCAL_BUDGET_COLUMNS),
    ...(variant.optionsObject ? { GL_Options_svc: optionsTable } : {}),
    GL_AccountStructure_svc: structureTable,
    GL_FiscalYear_svc: fiscalCalendarTable,
  };
}

/** Every `_ui` task the simulated role security knows, in a stable order (task id = 100 + index). */
export const TASKS = ['GL_SubAccount_ui', 'GL_MainAccount_ui', 'GL_Account_ui', 'GL_Budget_ui'] as const;
