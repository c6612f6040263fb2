// One record of GET /api/v1/employees: the fixed set every record carries, the optional fields
// asked for with `fields` (the spec's EmployeeOptionalField list), and `_restrictedFields`.
import { employeeById, type Employee } from './model.ts';
import { currentRow, employmentStatusName, findField, readField, type ReadContext } from './fields.ts';

export const OPTIONAL_FIELDS = [
  'workEmail', 'homeEmail', 'bestEmail', 'middleName', 'workPhone', 'workPhoneExtension', 'mobilePhone', 'homePhone',
  'skypeUsername', 'linkedinUrl', 'facebookUrl', 'instagramUrl', 'twitterUrl', 'pinterestUrl', 'birthDate', 'hireDate',
  'divisionName', 'divisionId', 'departmentName', 'departmentId', 'locationName', 'locationId', 'jobTitleId',
  'employmentStatusName', 'employmentStatusId', 'reportsToName', 'reportsToId',
] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/**
 * Fields the sandbox's API user may not see (as `ssn` on Get Employee): the value is null and the
 * name is listed in `_restrictedFields`, as the spec describes for this endpoint.
 */
export const RESTRICTED_LIST_FIELDS: ReadonlySet<string> = new Set<OptionalField>(['birthDate']);

type Value = string | null;

/** The value of a catalogue field, as a string or null. */
function field(rc: ReadContext, e: Employee, alias: string): Value {
  const def = findField(alias);
  const v = def ? readField(rc, e, def) : null;
  return v === undefined || v === null ? null : String(v);
}

function supervisor(rc: ReadContext, e: Employee): Employee | undefined {
  const boss = currentRow(e.jobInfo, rc.day, rc.onlyCurrent)?.reportsTo;
  return boss ? employeeById(rc.company, boss) : undefined;
}

// Contact and social fields the sandbox's model does not hold are answered as null (no value).
const none = (): Value => null;

const GETTERS: Record<OptionalField, (rc: ReadContext, e: Employee) => Value> = {
  workEmail: (_rc, e) => e.workEmail,
  homeEmail: none,
  bestEmail: (_rc, e) => e.workEmail,
  middleName: (_rc, e) => e.middleName,
  workPhone: (_rc, e) => e.workPhone,
  workPhoneExtension: none,
  mobilePhone: none,
  homePhone: none,
  skypeUsername: none,
  linkedinUrl: none,
  facebookUrl: none,
  instagramUrl: none,
  twitterUrl: none,
  pinterestUrl: none,
  birthDate: none,
  hireDate: (_rc, e) => e.hireDate,
  divisionName: (rc, e) => field(rc, e, 'division'),
  divisionId: (rc, e) => field(rc, e, 'divisionId'),
  departmentName: (rc, e) => field(rc, e, 'department'),
  departmentId: (rc, e) => field(rc, e, 'departmentId'),
  locationName: (rc, e) => field(rc, e, 'location'),
  locationId: (rc, e) => field(rc, e, 'locationId'),
  jobTitleId: (rc, e) => field(rc, e, 'jobTitleId'),
  employmentStatusName: (rc, e) => employmentStatusName(rc, e),
  employmentStatusId: (rc, e) => {
    const row = currentRow(e.employmentStatus, rc.day, rc.onlyCurrent);
    return row ? String(row.statusId) : null;
  },
  reportsToName: (rc, e) => {
    const s = supervisor(rc, e);
    return s ? `${s.firstName} ${s.lastName}` : null;
  },
  reportsToId: (rc, e) => {
    const s = supervisor(rc, e);
    return s ? String(s.id) : null;
  },
};

export function jobTitleName(rc: ReadContext, e: Employee): Value {
  return field(rc, e, 'jobTitle');
}

export function listRecord(rc: ReadContext, e: Employee, fields: readonly OptionalField[]): Record<string, Value | string[]> {
  const restricted: string[] = [];
  const out: Record<string, Value | string[]> = {
    employeeId: String(e.id),
    firstName: e.firstName,
    lastName: e.lastName,
    preferredName: e.preferredName,
    photoUrl: `https://images.bamboohr.com/${rc.company.companyId}/photos/${e.id}-0-1.jpg`,
    jobTitleName: jobTitleName(rc, e),
    status: e.status,
  };
  for (const f of fields) {
    if (RESTRICTED_LIST_FIELDS.has(f)) {
      out[f] = null;
      restricted.push(f);
    } else {
      out[f] = GETTERS[f](rc, e);
    }
  }
  out._restrictedFields = restricted;
  return out;
}
