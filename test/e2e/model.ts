// The ledger the end-to-end tests expect: headcount per cost center from the sandbox's roster and the
// workspace's mapping tables (employees with an unmapped value are quarantined, so not counted).
import { currentRoster } from '../../cli/demo/roster-model.ts';
import type { StandIns } from '../../cli/demo/stand-ins.ts';
import type { Workspace } from '../../cli/demo/workspace.ts';

export function headcountModel(standIns: StandIns, workspace: Workspace): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of currentRoster(standIns, workspace)) {
    if (!e.center) continue;
    const key = `${e.center.division}-${e.center.department}-${e.center.location}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
