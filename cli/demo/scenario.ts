// The demo's story in the sandbox: find someone who works in Warehouse and move them to Yard (the
// sandbox then sends BambooHR's signed webhook), and wait, bounded, until Sage 100 shows the move.
import type { RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import type { SageReader, SageView } from './sage-view.ts';

export interface Mover {
  id: string;
  name: string;
}

/** An active employee whose current job row is in the given department (the sandbox's own model). */
export function someoneIn(sandbox: RunningSandbox, department: string, domain = 'keystone'): Mover {
  const company = sandbox.admin.company(domain);
  const option = company.lists.department.options.find((o) => o.name === department);
  if (!option) throw new Error(`the sandbox has no department '${department}'`);
  const employee = Object.values(company.employees).find((e) => !e.deleted && e.status === 'Active' && e.jobInfo.at(-1)?.departmentId === option.id);
  if (!employee) throw new Error(`nobody works in ${department} in the sandbox`);
  return { id: String(employee.id), name: `${employee.firstName} ${employee.lastName}` };
}

/** Polls Sage 100 until `done` holds; gives up after `attempts` reads (the demo says so then). */
export async function waitForSage(reader: SageReader, period: string, done: (view: SageView) => boolean, signal: AbortSignal, attempts = 600, intervalMs = 100): Promise<SageView | undefined> {
  for (let i = 0; i < attempts && !signal.aborted; i++) {
    const view = await reader.read(period);
    if (done(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return undefined;
}

/** Headcount of every cost center in a view, by `division-department-location`. */
export const headcountOf = (view: SageView): Map<string, number> => new Map(view.headcount.map((h) => [h.costCenter, h.headcount]));
