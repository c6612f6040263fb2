// Deterministic seed companies. The same (domain, seed, size, today) always yields the same company,
// including credentials, so tests and scripts can rely on ids, names and keys.
import { createPrng, type Prng } from './prng.ts';
import type { Company, CompanySpec, Employee, ListAlias, ListField, ListOption } from './model.ts';
import { addDays, NO_DATE } from './time.ts';

export const DEFAULT_COMPANY: Required<CompanySpec> = {
  domain: 'keystone',
  name: 'Keystone Building Supply',
  employees: 200,
  seed: 'keystone-v1',
};

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:53682/callback';

const LIST_SEED: Record<ListAlias, { fieldId: number; name: string; options: string[] }> = {
  department: { fieldId: 1355, name: 'Department', options: ['Warehouse', 'Yard', 'Office', 'Sales', 'Drivers', 'Purchasing', 'Management', 'Showroom'] },
  division: { fieldId: 4, name: 'Division', options: ['Retail', 'Contractor Sales', 'Distribution'] },
  location: { fieldId: 18, name: 'Location', options: ['Harrisburg, PA', 'Lancaster, PA', 'York, PA', 'Reading, PA'] },
  jobTitle: {
    fieldId: 17,
    name: 'Job Title',
    options: ['General Manager', 'Department Manager', 'Warehouse Associate', 'Forklift Operator', 'Yard Associate', 'CDL Driver', 'Dispatcher', 'Inside Sales Rep', 'Outside Sales Rep', 'Accountant', 'Office Administrator', 'Purchasing Agent', 'Showroom Consultant'],
  },
  employmentHistoryStatus: { fieldId: 1362, name: 'Employment Status', options: ['Full-Time', 'Part-Time', 'Seasonal', 'Contractor', 'Terminated'] },
};

// Department -> [division, typical job titles]; Showroom is archived but still referenced by history.
const DEPARTMENT_PROFILE: Record<string, [string, string[]]> = {
  Warehouse: ['Distribution', ['Warehouse Associate', 'Forklift Operator']],
  Yard: ['Distribution', ['Yard Associate', 'Forklift Operator']],
  Drivers: ['Distribution', ['CDL Driver', 'Dispatcher']],
  Sales: ['Contractor Sales', ['Inside Sales Rep', 'Outside Sales Rep']],
  Office: ['Retail', ['Accountant', 'Office Administrator']],
  Purchasing: ['Retail', ['Purchasing Agent']],
};
const STAFFED = ['Warehouse', 'Warehouse', 'Yard', 'Drivers', 'Drivers', 'Sales', 'Sales', 'Office', 'Purchasing'];

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Luis', 'Nancy', 'Daniel', 'Lisa', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Kevin', 'Emily', 'Brian', 'Donna', 'Jamal', 'Michelle', 'Tyrone', 'Aisha', 'Wei', 'Priya'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Stoltzfus', 'Zimmerman', 'Hershey', 'Yoder', 'Fisher'];

function emptyList(alias: ListAlias, prng: Prng, counter: { option: number }): ListField {
  const spec = LIST_SEED[alias];
  const options: ListOption[] = spec.options.map((name) => ({
    id: ++counter.option,
    name,
    archived: name === 'Showroom',
    createdDate: `2015-0${prng.int(1, 9)}-1${prng.int(0, 9)}T10:00:00+00:00`,
    archivedDate: name === 'Showroom' ? '2022-06-30T17:00:00+00:00' : null,
  }));
  return { fieldId: spec.fieldId, alias, name: spec.name, options };
}

export function companyCredentials(domain: string, seed: string): { apiKey: string; clientId: string; clientSecret: string } {
  const prng = createPrng(`${seed}:${domain}:credentials`);
  return { apiKey: prng.hex(20), clientId: `${domain}-sandbox-client`, clientSecret: prng.hex(24) };
}

interface Builder {
  company: Company;
  prng: Prng;
  optionId(alias: ListAlias, name: string): number;
  today: string;
}

function lastChangedFor(prng: Prng): string {
  const day = addDays('2025-01-02', prng.int(0, 330));
  return `${day}T${String(prng.int(7, 18)).padStart(2, '0')}:${String(prng.int(0, 59)).padStart(2, '0')}:${String(prng.int(0, 59)).padStart(2, '0')}+00:00`;
}

function addEmployee(b: Builder, init: { first: string; last: string; dept: string | null; title: string; reportsTo: number | null; hireDate: string; status?: string }): Employee {
  const c = b.company;
  const id = ++c.counters.employee;
  const profile = init.dept ? DEPARTMENT_PROFILE[init.dept] : undefined;
  const division = profile?.[0] ?? (init.dept === 'Management' ? 'Retail' : null);
  const e: Employee = {
    id,
    employeeNumber: String(1000 + id),
    firstName: init.first,
    lastName: init.last,
    middleName: b.prng.chance(0.2) ? b.prng.pick(['A.', 'J.', 'Lee', 'Marie']) : null,
    preferredName: b.prng.chance(0.1) ? b.prng.pick(['Jim', 'Bob', 'Liz', 'Kate']) : null,
    status: 'Active',
    workEmail: `${init.first}.${init.last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase() + `${id}@keystonebuilding.example`,
    workPhone: `717-555-${String(1000 + (id % 9000)).padStart(4, '0')}`,
    hireDate: init.hireDate,
    originalHireDate: init.hireDate,
    terminationDate: NO_DATE,
    custom: b.prng.chance(0.3) ? { '4501': b.prng.pick(['Class I', 'Class IV', 'Class VII']) } : {},
    jobInfo: [
      {
        id: ++c.counters.row,
        date: init.hireDate,
        locationId: b.optionId('location', b.prng.pick(LIST_SEED.location.options)),
        divisionId: division ? b.optionId('division', division) : null,
        departmentId: init.dept ? b.optionId('department', init.dept) : null,
        jobTitleId: b.optionId('jobTitle', init.title),
        reportsTo: init.reportsTo,
      },
    ],
    employmentStatus: [{ id: ++c.counters.row, date: init.hireDate, statusId: b.optionId('employmentHistoryStatus', init.status ?? 'Full-Time'), comment: null }],
    lastChanged: lastChangedFor(b.prng),
    lastAction: 'Updated',
    deleted: false,
  };
  c.employees[String(id)] = e;
  return e;
}

function terminate(b: Builder, e: Employee, date: string, setInactive: boolean): void {
  e.terminationDate = date;
  if (setInactive) e.status = 'Inactive';
  e.employmentStatus.push({ id: ++b.company.counters.row, date, statusId: b.optionId('employmentHistoryStatus', 'Terminated'), comment: 'Voluntary' });
}

/** The fact sheet's edge cases, each on a known employee so tests can name it. */
function addEdgeCases(b: Builder, managers: Record<string, number>): void {
  const w = managers.Warehouse ?? null;
  addEmployee(b, { first: 'José', last: 'Núñez', dept: 'Yard', title: 'Yard Associate', reportsTo: managers.Yard ?? null, hireDate: '2019-04-01' });
  addEmployee(b, { first: 'Zoë', last: 'Ångström-Łukasiewicz', dept: 'Sales', title: 'Inside Sales Rep', reportsTo: managers.Sales ?? null, hireDate: '2021-09-13' });
  addEmployee(b, { first: 'Nguyễn', last: "Thị Hương O'Brien", dept: 'Office', title: 'Accountant', reportsTo: managers.Office ?? null, hireDate: '2020-02-17' });
  addEmployee(b, { first: 'Pat', last: 'Nodept', dept: null, title: 'Office Administrator', reportsTo: null, hireDate: '2023-05-08', status: 'Part-Time' });
  const gone = addEmployee(b, { first: 'Terry', last: 'Departed', dept: 'Warehouse', title: 'Warehouse Associate', reportsTo: w, hireDate: '2016-03-14' });
  terminate(b, gone, '2024-08-30', true);
  // status stays Active while employmentHistoryStatus already says Terminated.
  const lingering = addEmployee(b, { first: 'Casey', last: 'Lingering', dept: 'Drivers', title: 'CDL Driver', reportsTo: managers.Drivers ?? null, hireDate: '2018-06-04' });
  terminate(b, lingering, '2025-10-31', false);
  // Inactive now, with a termination dated in the future.
  const leaving = addEmployee(b, { first: 'Morgan', last: 'Leaving', dept: 'Sales', title: 'Outside Sales Rep', reportsTo: managers.Sales ?? null, hireDate: '2017-01-09' });
  leaving.status = 'Inactive';
  leaving.terminationDate = addDays(b.today, 30);
  leaving.employmentStatus.push({ id: ++b.company.counters.row, date: leaving.terminationDate, statusId: b.optionId('employmentHistoryStatus', 'Terminated'), comment: 'Planned' });
  // Future hire: Inactive, and department blank unless onlyCurrent=false.
  const future = addEmployee(b, { first: 'Frankie', last: 'Future', dept: 'Warehouse', title: 'Forklift Operator', reportsTo: w, hireDate: addDays(b.today, 14) });
  future.status = 'Inactive';
  // Deleted: only the change feed still knows it.
  const deleted = addEmployee(b, { first: 'Dana', last: 'Deleted', dept: 'Yard', title: 'Yard Associate', reportsTo: managers.Yard ?? null, hireDate: '2022-02-01' });
  deleted.deleted = true;
  deleted.lastAction = 'Deleted';
  // Worked in the (now archived) Showroom department, then moved to Sales.
  const moved = addEmployee(b, { first: 'Robin', last: 'Showroom', dept: 'Sales', title: 'Showroom Consultant', reportsTo: managers.Sales ?? null, hireDate: '2014-07-21' });
  const first = moved.jobInfo[0]!;
  first.departmentId = b.optionId('department', 'Showroom');
  moved.jobInfo.push({ ...first, id: ++b.company.counters.row, date: '2022-07-01', departmentId: b.optionId('department', 'Sales'), jobTitleId: b.optionId('jobTitle', 'Inside Sales Rep') });
  addEmployee(b, { first: 'Chris', last: 'Contractor', dept: 'Drivers', title: 'CDL Driver', reportsTo: managers.Drivers ?? null, hireDate: '2024-03-04', status: 'Contractor' });
  // Rehired: the earlier hire date moved to originalHireDate.
  const rehired = addEmployee(b, { first: 'Jordan', last: 'Returning', dept: 'Warehouse', title: 'Forklift Operator', reportsTo: w, hireDate: '2023-03-01' });
  rehired.originalHireDate = '2012-05-14';
}

export function seedCompany(spec: CompanySpec, today: string, redirectUris: string[] = [DEFAULT_REDIRECT_URI]): Company {
  const domain = spec.domain;
  const seed = spec.seed ?? `${domain}-v1`;
  const size = Math.max(1, spec.employees ?? DEFAULT_COMPANY.employees);
  const prng = createPrng(`${seed}:${domain}:data`);
  const creds = companyCredentials(domain, seed);
  const counters = { employee: 0, row: 0, option: 100, webhook: 0 };
  const lists = {} as Record<ListAlias, ListField>;
  for (const alias of Object.keys(LIST_SEED) as ListAlias[]) lists[alias] = emptyList(alias, prng, counters);
  const company: Company = {
    domain,
    name: spec.name ?? (domain === DEFAULT_COMPANY.domain ? DEFAULT_COMPANY.name : `${domain} (sandbox)`),
    companyId: 10000 + (prng.int(0, 89999)),
    seed,
    apiKey: creds.apiKey,
    apiUserEmployeeId: 1,
    oauthClient: { clientId: creds.clientId, clientSecret: creds.clientSecret, redirectUris },
    employees: {},
    lists,
    webhooks: [],
    counters,
  };
  const optionId = (alias: ListAlias, name: string): number => {
    const found = lists[alias].options.find((o) => o.name === name);
    if (!found) throw new Error(`seed refers to unknown ${alias} option ${name}`);
    return found.id;
  };
  const b: Builder = { company, prng, optionId, today };
  const pick = (): { first: string; last: string } => ({ first: prng.pick(FIRST), last: prng.pick(LAST) });
  const hire = (): string => addDays('2008-01-07', prng.int(0, 6500));

  const gm = addEmployee(b, { ...pick(), dept: 'Management', title: 'General Manager', reportsTo: null, hireDate: '2006-03-06' });
  const managers: Record<string, number> = {};
  for (const dept of Object.keys(DEPARTMENT_PROFILE)) {
    if (company.counters.employee >= size) break;
    managers[dept] = addEmployee(b, { ...pick(), dept, title: 'Department Manager', reportsTo: gm.id, hireDate: hire() }).id;
  }
  if (size >= 30) addEdgeCases(b, managers);
  while (company.counters.employee < size) {
    const dept = prng.pick(STAFFED);
    const titles = DEPARTMENT_PROFILE[dept]![1];
    const status = prng.chance(0.08) ? 'Part-Time' : prng.chance(0.04) ? 'Seasonal' : 'Full-Time';
    const e = addEmployee(b, { ...pick(), dept, title: prng.pick(titles), reportsTo: managers[dept] ?? gm.id, hireDate: hire(), status });
    if (prng.chance(0.06)) {
      const left = addDays(e.hireDate, prng.int(60, 2500));
      terminate(b, e, left < today ? left : addDays(today, -10), true);
    }
  }
  return company;
}
