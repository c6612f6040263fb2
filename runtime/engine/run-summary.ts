// What a run did, counted as it goes, and its one-screen text form.
import type { ChangeAction } from '../connectors/definition.ts';

export interface RunCounters {
  read: number;
  unchanged: number;
  kept: number;
  dropped: number;
  removed: number;
  quarantined: Record<string, number>;
  written: Record<string, Record<ChangeAction, number>>;
  pending: number;
  drift: number;
  /** Sink items left alone because they are in quarantine (replay them to retry). */
  held: number;
}

export interface RunSummary extends RunCounters {
  pipeline: string;
  runId: string;
  mode: string;
  pipelineVersion: string;
  checkpointMoved: boolean;
  /** 0: everything done; 1: something is quarantined, pending or drifted (documented in the README). */
  exitCode: 0 | 1;
}

export const newCounters = (): RunCounters => ({ read: 0, unchanged: 0, kept: 0, dropped: 0, removed: 0, quarantined: {}, written: {}, pending: 0, drift: 0, held: 0 });

export function countWrite(counters: RunCounters, entity: string, action: ChangeAction): void {
  const byAction = (counters.written[entity] ??= { create: 0, update: 0, deactivate: 0 });
  byAction[action]++;
}

export function needsAttention(counters: RunCounters): boolean {
  return Object.keys(counters.quarantined).length > 0 || counters.pending > 0 || counters.drift > 0 || counters.held > 0;
}

export function renderSummary(summary: RunSummary): string {
  const lines = [`${summary.pipeline} (${summary.mode}, run ${summary.runId}, pipeline ${summary.pipelineVersion})`];
  lines.push(`  read        ${summary.read} (${summary.unchanged} unchanged, ${summary.dropped} dropped by steps, ${summary.removed} removed from the mirror)`);
  const written = Object.entries(summary.written).map(([entity, a]) => `${entity}: ${a.create} created, ${a.update} updated, ${a.deactivate} deactivated`);
  lines.push(`  written     ${written.length > 0 ? written.join('; ') : 'nothing'}`);
  const quarantined = Object.entries(summary.quarantined).map(([code, n]) => `${n} ${code}`);
  lines.push(`  quarantined ${quarantined.length > 0 ? quarantined.join(', ') : 'none'}`);
  lines.push(`  pending     ${summary.pending}${summary.pending > 0 ? ' (kept; the next run retries them)' : ''}`);
  if (summary.drift > 0) lines.push(`  drift       ${summary.drift} item(s) changed in the sink by hand; reported, not overwritten`);
  if (summary.held > 0) lines.push(`  held        ${summary.held} sink item(s) in quarantine; 'replay' retries them`);
  return `${lines.join('\n')}\n`;
}
