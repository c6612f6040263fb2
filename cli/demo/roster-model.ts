// Where the sandbox says each active employee works today, as Sage 100 codes it: the list values of
// their current job row looked up in the workspace's mapping tables. The demo picks its mover from it;
// tests compare the ledger's headcount with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustedYaml } from '../../runtime/lib/yaml.ts';
import type { CostCenter } from './ledger-view.ts';
import type { StandIns } from './stand-ins.ts';
import type { Workspace } from './workspace.ts';

export interface RosterEntry {
  id: string;
  name: string;
  /** The list values by name, as BambooHR shows them. */
  department: string;
  division: string;
  location: string;
  /** Undefined when a value has no mapping row (the pipeline quarantines that employee). */
  center?: CostCenter;
}

export function mappingCodes(workspace: Workspace, table: 'divisions' | 'departments' | 'locations'): Map<string, string> {
  const doc = parseTrustedYaml(readFileSync(join(workspace.work, 'mappings', `${table}.yaml`), 'utf8')) as { rows: { from: string; to: string }[] };
  return new Map(doc.rows.map((r) => [r.from.toLowerCase(), r.to]));
}

export function currentRoster(standIns: StandIns, workspace: Workspace, today = new Date().toISOString().slice(0, 10)): RosterEntry[] {
  const company = standIns.sandbox.admin.company('keystone');
  const [divisions, departments, locations] = [mappingCodes(workspace, 'divisions'), mappingCodes(workspace, 'departments'), mappingCodes(workspace, 'locations')];
  const option = (alias: 'division' | 'department' | 'location', id: number | null): string => company.lists[alias].options.find((o) => o.id === id)?.name ?? '';
  const roster: RosterEntry[] = [];
  for (const e of Object.values(company.employees)) {
    if (e.deleted || e.status !== 'Active') continue;
    // In effect today: the latest date on or before today; of two rows on one date, the one entered last.
    const job = [...e.jobInfo].filter((r) => r.date <= today).sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id))[0];
    if (!job) continue;
    const names = { department: option('department', job.departmentId), division: option('division', job.divisionId), location: option('location', job.locationId) };
    const division = divisions.get(names.division.toLowerCase());
    const department = departments.get(names.department.toLowerCase());
    const location = locations.get(names.location.toLowerCase());
    roster.push({ id: String(e.id), name: `${e.firstName} ${e.lastName}`, ...names, ...(division && department && location ? { center: { division, department, location } } : {}) });
  }
  return roster;
}
