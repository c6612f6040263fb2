// The sandbox's in-memory data model: plain JSON-serialisable records so that persistence to a file
// is a JSON.stringify of the state and nothing else.

export type ListAlias = 'department' | 'division' | 'location' | 'jobTitle' | 'employmentHistoryStatus';
export const LIST_ALIASES: readonly ListAlias[] = ['department', 'division', 'location', 'jobTitle', 'employmentHistoryStatus'];

export interface ListOption {
  id: number;
  name: string;
  archived: boolean;
  createdDate: string;
  archivedDate: string | null;
}

export interface ListField {
  fieldId: number;
  alias: ListAlias;
  name: string;
  options: ListOption[];
}

/** jobInfo rows hold option ids, as BambooHR does, so renaming an option renames it everywhere. */
export interface JobInfoRow {
  id: number;
  date: string;
  locationId: number | null;
  divisionId: number | null;
  departmentId: number | null;
  jobTitleId: number | null;
  reportsTo: number | null;
}

export interface EmploymentStatusRow {
  id: number;
  date: string;
  statusId: number;
  comment: string | null;
}

export type ChangeAction = 'Inserted' | 'Updated' | 'Deleted';

export interface Employee {
  id: number;
  employeeNumber: string;
  firstName: string;
  lastName: string;
  middleName: string | null;
  preferredName: string | null;
  status: 'Active' | 'Inactive';
  workEmail: string | null;
  workPhone: string | null;
  hireDate: string;
  originalHireDate: string;
  /** `0000-00-00` when not terminated, as BambooHR answers. */
  terminationDate: string;
  /** Values of custom fields without an alias, keyed by numeric field id. */
  custom: Record<string, string>;
  jobInfo: JobInfoRow[];
  employmentStatus: EmploymentStatusRow[];
  lastChanged: string;
  lastAction: ChangeAction;
  deleted: boolean;
}

export type WebhookFormat = 'json' | 'form-encoded';

export interface Webhook {
  id: number;
  name: string;
  created: string;
  lastSent: string | null;
  url: string;
  format: WebhookFormat;
  monitorFields: string[] | null;
  postFields: Record<string, string>;
  includeCompanyDomain: boolean;
  events: string[];
  privateKey: string;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface Company {
  domain: string;
  name: string;
  companyId: number;
  seed: string;
  apiKey: string;
  /** The employee that the API key's user is linked to (employee id `0` in a request means this one). */
  apiUserEmployeeId: number;
  oauthClient: OAuthClient;
  employees: Record<string, Employee>;
  lists: Record<ListAlias, ListField>;
  webhooks: Webhook[];
  counters: { employee: number; row: number; option: number; webhook: number };
}

export interface CompanySpec {
  domain: string;
  name?: string;
  employees?: number;
  seed?: string;
}

/** Own-property lookup: ids come from URLs, and `constructor` or `__proto__` must not find Object.prototype. */
export function employeeById(company: Company, id: string | number): Employee | undefined {
  const key = String(id);
  return Object.hasOwn(company.employees, key) ? company.employees[key] : undefined;
}
