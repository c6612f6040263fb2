// Hand edits the sink can see by itself. Sage 100 pushes nothing, so on request (the engine schedules
// it) the sink reads the account structure and every segment's values and compares them with the
// pipeline's accountFormat and with the values as last seen (written by the sink or read by the
// previous drift check, kept in the connector's state). The first check only records what it saw.
import type { ConnectorState, DriftFinding, Json } from '../../runtime/index.ts';
import type { AgentClient, AgentStructure, AgentSubAccount } from './client.ts';
import { subAccountKey, type AccountFormat } from './codes.ts';

const STATE_KEY = 'subAccounts.seen';

export interface SeenValue {
  description: string;
  status: string;
}

/** What the pipeline's accountFormat says that Sage 100's account structure no longer does. */
export function structureFindings(format: AccountFormat, structure: AgentStructure): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const add = (detail: string): void => void findings.push({ entity: 'account', kind: 'structure', detail });
  if (structure.separator !== format.separator) add(`the account separator is '${structure.separator}' in Sage 100, '${format.separator}' in the pipeline's accountFormat`);
  if (structure.segments.length !== format.segments.length) add(`Sage 100 has ${structure.segments.length} segments (${structure.mask}), the pipeline's accountFormat ${format.segments.length}`);
  format.segments.forEach((segment, i) => {
    const actual = structure.segments[i];
    if (!actual) return;
    if (actual.length !== segment.length || actual.type !== segment.type) {
      add(`segment ${segment.segmentNo} ('${segment.name}') is ${actual.type} ${actual.length} in Sage 100 (${structure.mask}), ${segment.type} ${segment.length} in the pipeline's accountFormat`);
    }
  });
  return findings;
}

export class SeenSubAccounts {
  constructor(private readonly state: ConnectorState) {}

  async load(): Promise<Record<string, SeenValue> | undefined> {
    return (await this.state.get(STATE_KEY)) as Record<string, SeenValue> | undefined;
  }

  async save(seen: Record<string, SeenValue>): Promise<void> {
    await this.state.set(STATE_KEY, seen as unknown as Json);
  }

  /** After the sink's own write: its result is not a hand edit. */
  async record(key: string, value: SeenValue): Promise<void> {
    const seen = await this.load();
    if (!seen) return; // no baseline yet: the first drift check takes one
    seen[key] = value;
    await this.save(seen);
  }
}

export async function readDrift(client: AgentClient, format: AccountFormat, seen: SeenSubAccounts, signal: AbortSignal): Promise<DriftFinding[]> {
  const findings = structureFindings(format, await client.structure(signal));
  const now: Record<string, SeenValue> = {};
  for (const segment of format.subSegments) {
    const records: AgentSubAccount[] = await client.subAccounts(segment.segmentNo, signal);
    for (const r of records) now[subAccountKey(segment.name, r.code)] = { description: r.description, status: r.status };
  }
  const before = await seen.load();
  if (before) {
    for (const [key, was] of Object.entries(before)) {
      const is = now[key];
      if (!is) findings.push({ entity: 'subAccount', key, kind: 'deleted', detail: `${key} ('${was.description}') no longer exists in Sage 100` });
      else if (is.status !== was.status && is.status === 'deleted') findings.push({ entity: 'subAccount', key, kind: 'deleted', detail: `${key} was marked deleted in Sage 100` });
      else if (is.status !== was.status && is.status === 'inactive') findings.push({ entity: 'subAccount', key, kind: 'deactivated', detail: `${key} was made inactive in Sage 100` });
      else if (is.status !== was.status) findings.push({ entity: 'subAccount', key, kind: 'changed', detail: `${key} is ${is.status} again in Sage 100 (was ${was.status})` });
      if (is && is.description !== was.description) findings.push({ entity: 'subAccount', key, kind: 'renamed', detail: `${key} was renamed in Sage 100: '${was.description}' → '${is.description}'` });
    }
    for (const key of Object.keys(now)) if (!before[key]) findings.push({ entity: 'subAccount', key, kind: 'created', detail: `${key} ('${now[key]?.description}') was added in Sage 100` });
  }
  await seen.save(now);
  return findings;
}
