// The companies the sandbox serves, and the single place where a change to an employee is recorded:
// lastChanged, the change-feed action and the event that drives webhooks all move together here.
import type { Company, CompanySpec, Employee, ChangeAction } from './model.ts';
import { seedCompany, DEFAULT_REDIRECT_URI } from './seed.ts';
import { dateOnly, isoSeconds, type Clock } from './time.ts';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface ChangeEvent {
  company: Company;
  employee: Employee;
  kind: ChangeKind;
  /** Aliases of the fields that changed (empty for created/deleted). */
  changedFields: string[];
  at: Date;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class SandboxState {
  readonly companies = new Map<string, Company>();
  private readonly listeners: ChangeListener[] = [];
  private readonly persistHooks: (() => void)[] = [];

  constructor(
    readonly specs: CompanySpec[],
    readonly clock: Clock,
    readonly redirectUris: string[] = [DEFAULT_REDIRECT_URI],
  ) {
    this.reset();
  }

  today(): string {
    return dateOnly(this.clock());
  }

  reset(): void {
    this.companies.clear();
    for (const spec of this.specs) this.companies.set(spec.domain, seedCompany(spec, this.today(), this.redirectUris));
    this.changed();
  }

  addCompany(spec: CompanySpec): Company {
    const company = seedCompany(spec, this.today(), this.redirectUris);
    this.companies.set(spec.domain, company);
    if (!this.specs.some((s) => s.domain === spec.domain)) this.specs.push(spec);
    this.changed();
    return company;
  }

  load(companies: Company[]): void {
    this.companies.clear();
    for (const c of companies) this.companies.set(c.domain, c);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  onPersist(hook: () => void): void {
    this.persistHooks.push(hook);
  }

  /** Something outside employees changed (options, webhooks): persist only. */
  changed(): void {
    for (const hook of this.persistHooks) hook();
  }

  /** Records a change to one employee and tells the webhook sender. */
  record(company: Company, employee: Employee, kind: ChangeKind, changedFields: string[]): void {
    const at = this.clock();
    employee.lastChanged = isoSeconds(at);
    const action: ChangeAction = kind === 'created' ? 'Inserted' : kind === 'deleted' ? 'Deleted' : 'Updated';
    employee.lastAction = action;
    this.changed();
    for (const listener of this.listeners) listener({ company, employee, kind, changedFields, at });
  }
}
