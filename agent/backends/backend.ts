// The one interface the HTTP layer talks to. Both backends implement it: `boi` drives Sage 100's
// Business Object Interface through COM; `sim` is the same driver over a simulated COM object model.
import type { AccountStructure } from '../gl/account-format.ts';

export type Status = 'active' | 'inactive' | 'deleted';

export interface Company {
  code: string;
  name: string;
}

export interface SubAccount {
  segment: string;
  code: string;
  description: string;
  shortDescription: string;
  status: Status;
  dateUpdated: string;
  etag: string;
}

export interface SubAccountInput {
  segment: string;
  code: string;
  description: string;
  shortDescription?: string;
  status?: Status;
}

export interface Account {
  accountKey: string;
  account: string;
  rawAccount: string;
  mainAccount: string;
  segments: Record<string, string>;
  description: string;
  accountType: string;
  status: Status;
  dateUpdated: string;
  etag: string;
}

export interface AccountInput {
  mainAccount: string;
  segments: Record<string, string>;
  description: string;
  status?: Status;
}

export interface Headcount {
  account: string;
  accountKey: string;
  costCenter: Record<string, string>;
  period: string;
  /** The fiscal year and period (01–13) Sage keeps the figure under, from its fiscal calendar. */
  fiscalYear?: string;
  fiscalPeriod?: string;
  headcount: number;
  etag: string;
}

export interface HeadcountInput {
  costCenter: Record<string, string>;
  /** `YYYY-MM`: a calendar month; stored under the fiscal period holding its last day (see README). */
  period: string;
  headcount: number;
}

/** A conditional write: `ifMatch` an ETag the client read, or `ifNoneMatch: '*'` for create-only. */
export interface Condition {
  ifMatch?: string;
  ifNoneMatch?: string;
  /**
   * Internal, never from a client: succeed (writing nothing) only when the record exists and already
   * is what the write asks for; otherwise etag_mismatch with rule `not-applied`. How the agent finds
   * out whether a write whose first run was never answered took effect.
   */
  reconcile?: boolean;
}

export interface Upserted<T> {
  outcome: 'created' | 'updated' | 'unchanged';
  record: T;
  /** Sage's warning text when a write returned -1 (success with a warning). */
  warnings: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string;
  limit: number;
}

/** Where the boi driver's site-specific answers came from, and whether a selftest verified them. */
export interface ProfileStatus {
  /** `file` (--profile), `simulator` (the sim's own answers) or `defaults` (unverified guesses). */
  source: 'file' | 'simulator' | 'defaults';
  file?: string;
  verified: boolean;
  verifiedAt?: string;
  verifiedCompany?: string;
  /** Headcount is served only with a profile whose selftest verified its prerequisites. */
  headcount: boolean;
}

export interface BackendStatus {
  backend: 'sim' | 'boi';
  draining: boolean;
  sessionsOpen: number;
  sessionsBusy: number;
  profile?: ProfileStatus;
}

export interface Backend {
  readonly kind: 'sim' | 'boi';
  listCompanies(): Promise<Company[]>;
  accountStructure(company: string): Promise<AccountStructure>;
  listSubAccounts(company: string, segment: string, page: PageRequest): Promise<Page<SubAccount>>;
  getSubAccount(company: string, segment: string, code: string): Promise<SubAccount>;
  upsertSubAccount(company: string, input: SubAccountInput, condition: Condition): Promise<Upserted<SubAccount>>;
  listAccounts(company: string, page: PageRequest, mainAccount?: string): Promise<Page<Account>>;
  getAccount(company: string, account: string): Promise<Account>;
  upsertAccount(company: string, input: AccountInput, condition: Condition): Promise<Upserted<Account>>;
  listHeadcount(company: string, period: string, page: PageRequest): Promise<Page<Headcount>>;
  upsertHeadcount(company: string, input: HeadcountInput, condition: Condition): Promise<Upserted<Headcount>>;
  /** Stops taking work, waits for calls in flight and releases every Sage session (and its licence). */
  drain(): Promise<void>;
  resume(): void;
  status(): BackendStatus;
  close(): Promise<void>;
}
