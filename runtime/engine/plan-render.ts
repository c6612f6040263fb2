// A plan in three forms: text for a terminal, JSON for tools, and Markdown to post on a pull request
// (the sink changes a mapping edit will cause, reviewed before it is merged).
import type { Change, Json } from '../connectors/definition.ts';
import { sameJson } from '../util/canonical-json.ts';
import type { RunSummary } from './run-summary.ts';

export interface FieldChange {
  field: string;
  before?: Json;
  after?: Json;
}

export interface PlanDocument {
  pipeline: string;
  mode: string;
  pipelineVersion: string;
  /** When planned from a snapshot: where and how old it was. */
  snapshot?: { file: string; exportedAt: string; ageMinutes: number };
  changes: { entity: string; key: string; action: Change['action']; fields: FieldChange[] }[];
  summary: Pick<RunSummary, 'read' | 'unchanged' | 'quarantined' | 'held'>;
}

export function fieldChanges(change: Change): FieldChange[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields
    .filter((f) => !sameJson(before[f] ?? null, after[f] ?? null) && (change.action !== 'update' || f in after))
    .map((field) => ({ field, ...(field in before ? { before: before[field] } : {}), ...(field in after ? { after: after[field] } : {}) }));
}

export function planDocument(changes: readonly Change[], summary: RunSummary, snapshot?: PlanDocument['snapshot']): PlanDocument {
  return {
    pipeline: summary.pipeline,
    mode: summary.mode,
    pipelineVersion: summary.pipelineVersion,
    ...(snapshot ? { snapshot } : {}),
    changes: changes.map((c) => ({ entity: c.entity, key: c.key, action: c.action, fields: fieldChanges(c) })),
    summary: { read: summary.read, unchanged: summary.unchanged, quarantined: summary.quarantined, held: summary.held },
  };
}

const show = (value: Json | undefined): string => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

function counts(plan: PlanDocument): string {
  const by = { create: 0, update: 0, deactivate: 0 };
  for (const c of plan.changes) by[c.action]++;
  return `${by.create} to create, ${by.update} to update, ${by.deactivate} to deactivate`;
}

function header(plan: PlanDocument): string {
  const snapshot = plan.snapshot ? ` against snapshot ${plan.snapshot.file} exported ${plan.snapshot.exportedAt} (${plan.snapshot.ageMinutes} min old)` : '';
  return `Plan for ${plan.pipeline} (${plan.mode}, pipeline ${plan.pipelineVersion})${snapshot}`;
}

export function renderPlanText(plan: PlanDocument): string {
  const lines = [header(plan), `${counts(plan)}; ${plan.summary.read} records read`];
  for (const c of plan.changes) {
    lines.push(`  ${c.action.padEnd(10)} ${c.entity}/${c.key}`);
    for (const f of c.fields) lines.push(`      ${f.field}: ${show(f.before)} → ${show(f.after)}`);
  }
  const q = Object.entries(plan.summary.quarantined);
  if (q.length > 0) lines.push(`  would quarantine: ${q.map(([code, n]) => `${n} ${code}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanMarkdown(plan: PlanDocument): string {
  const out = [`### ${header(plan)}`, '', `**${counts(plan)}** (${plan.summary.read} records read, ${plan.summary.unchanged} unchanged)`, ''];
  if (plan.changes.length === 0) out.push('No changes: the sink already matches.');
  else {
    out.push('| action | item | field | before | after |', '| --- | --- | --- | --- | --- |');
    for (const c of plan.changes) {
      const fields = c.fields.length > 0 ? c.fields : [{ field: '', before: undefined, after: undefined }];
      for (const [i, f] of fields.entries()) out.push(`| ${i === 0 ? c.action : ''} | ${i === 0 ? cell(`${c.entity}/${c.key}`) : ''} | ${cell(f.field)} | ${cell(show(f.before))} | ${cell(show(f.after))} |`);
    }
  }
  const q = Object.entries(plan.summary.quarantined);
  if (q.length > 0) out.push('', `:warning: would quarantine ${q.map(([code, n]) => `${n} record(s) with \`${code}\``).join(', ')}`);
  return `${out.join('\n')}\n`;
}
