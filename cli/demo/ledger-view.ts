// What the demo shows of Sage 100: the department segments, labor accounts and headcount of the cost
// centers an employee moves between, read through the real sink connector (the same requests a run
// makes), and the small tables they are printed in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sage100AgentSink } from '../../connectors/sage100-agent-sink/index.ts';
import type { Sage100AgentSinkConfig } from '../../connectors/sage100-agent-sink/config.ts';
import type { ActualItem, SinkConnector } from '../../runtime/connectors/definition.ts';
import { createConnectorContext, memoryState } from '../../runtime/connectors/context-factory.ts';
import { createLogger } from '../../runtime/lib/log.ts';
import { parseTrustedYaml } from '../../runtime/lib/yaml.ts';
import { PIPELINE_FILE, type Workspace } from './workspace.ts';

export interface CostCenter {
  division: string;
  department: string;
  location: string;
}

export interface LedgerRows {
  segments: string[][];
  accounts: string[][];
  headcount: string[][];
}

export const centerCode = (c: CostCenter, separator: string): string => [c.division, c.department, c.location].join(separator);

export async function openLedger(workspace: Workspace, signal: AbortSignal): Promise<{ sink: SinkConnector; config: Sage100AgentSinkConfig }> {
  const pipeline = parseTrustedYaml(readFileSync(join(workspace.work, PIPELINE_FILE), 'utf8')) as { sink: { config: Sage100AgentSinkConfig } };
  const config = pipeline.sink.config;
  const { secrets } = workspace;
  const context = createConnectorContext({
    pipeline: 'demo',
    connector: 'sink',
    logger: createLogger({ name: 'demo', level: 'silent' }),
    secrets: { resolve: (reference) => secrets.resolve(reference), store: (name, value) => secrets.store(name, value) },
    state: memoryState(),
    signal,
  });
  return { sink: await sage100AgentSink.create(Object.freeze(config), context), config };
}

const find = (items: readonly ActualItem[], key: string): ActualItem | undefined => items.find((i) => i.key === key);

export async function readLedger(sink: SinkConnector, config: Sage100AgentSinkConfig, centers: readonly CostCenter[], period: string, signal: AbortSignal): Promise<LedgerRows> {
  const sep = config.accountFormat.separator;
  const departments = [...new Set(centers.map((c) => c.department))];
  const subKeys = departments.map((d) => `department:${d}`);
  const accountKeys = centers.flatMap((c) => (config.mainAccounts ?? []).map((m) => `${m}${sep}${centerCode(c, sep)}`));
  const headKeys = centers.map((c) => `${centerCode(c, sep)}@${period}`);
  const [subs, accounts, heads] = await Promise.all([
    sink.readActual('subAccount', subKeys, { signal }),
    sink.readActual('account', accountKeys, { signal }),
    sink.readActual('headcount', headKeys, { signal }),
  ]);
  const state = (item: ActualItem | undefined): string => (item ? (item.active ? 'active' : 'inactive') : 'missing');
  return {
    segments: subKeys.map((k) => {
      const item = find(subs, k);
      return [k.split(':')[1] ?? k, String(item?.values.description ?? '—'), state(item)];
    }),
    accounts: accountKeys.map((k) => {
      const item = find(accounts, k);
      return [k, String(item?.values.description ?? '—'), state(item)];
    }),
    headcount: headKeys.map((k) => [k.split('@')[0] ?? k, period, String(find(heads, k)?.values.headcount ?? '—')]),
  };
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `${indent}${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  return line(header) + line(widths.map((w) => '─'.repeat(w))) + rows.map(line).join('');
}

/** Before and after side by side: one table per kind, a column for each moment. */
export function renderBeforeAfter(before: LedgerRows, after: LedgerRows): string {
  const merge = (a: string[][], b: string[][], keep: number): string[][] => a.map((row, i) => [...row.slice(0, keep), row[keep] ?? '', b[i]?.[keep] ?? '']);
  return (
    `Sub-account segment values (department)\n${table(['code', 'description', 'before', 'after'], merge(before.segments.map((r) => [r[0] ?? '', r[1] ?? '', r[2] ?? '']), after.segments, 2))}\n` +
    `Labor GL accounts\n${table(['account', 'description', 'before', 'after'], merge(before.accounts, after.accounts, 2))}\n` +
    `Headcount\n${table(['cost center', 'period', 'before', 'after'], merge(before.headcount, after.headcount, 2))}`
  );
}
