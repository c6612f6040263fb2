// @ts-check
// Coverage (the source's live values against the mapping tables) and runs and metrics (the last
// day's runs, records per hour, webhook acknowledgement latency).
import { barChart } from './chart.mjs';
import { duration, h, status, table, when } from './dom.mjs';

/** @typedef {import('../api/types.ts').CoverageResponse} CoverageResponse */
/** @typedef {import('../api/types.ts').CoverageField} CoverageField */
/** @typedef {import('../api/types.ts').RunsResponse} RunsResponse */
/** @typedef {import('./dom.mjs').Child} Child */

/** @type {Record<CoverageField['onMissing'], string>} */
const CONSEQUENCE = {
  quarantine: 'Records with it wait in quarantine until a row is added.',
  fail: 'A record with it stops the run.',
  default: "Records with it book to the table's default code.",
  skip: 'Records with it are left out.',
};

/** @param {CoverageField} f */
function fieldSection(f) {
  const title = `${f.field} → ${f.table}`;
  if (f.values === undefined) return h('section', { 'aria-label': title }, h('h3', {}, title), status('Not checked: the source offers no list of the values this field can take.'));
  return h('section', { 'aria-label': title },
    h('h3', {}, title, ' ', h('span', { class: f.unmapped.length ? 'state-failing' : 'state-ok' }, f.unmapped.length ? `${f.unmapped.length} value(s) without a row` : 'every value has a row')),
    h('p', { class: 'meta' }, `Step ${f.step} · ${f.values} value(s) offered by the source today`),
    table('Values with no row', ['Value', 'What happens', 'Row to add'], f.unmapped.map((v) => [v, CONSEQUENCE[f.onMissing], h('code', {}, `- { from: ${JSON.stringify(v)}, to: CODE }`)]), 'Every value the source offers has a row.'),
    table('Rows for values that no longer exist', ['Row'], f.staleRows.map((r) => [r]), 'No row is left over.'));
}

/** @param {CoverageResponse} c @returns {Child[]} */
export function drawCoverage(c) {
  if (c.fields.length === 0) return [status(`${c.pipeline} has no mapping table to check.`)];
  return [h('p', { class: 'meta' }, `Checked ${when(c.checkedAt)} against the source's lists of values.`), ...c.fields.map(fieldSection)];
}

/** The smallest bucket bound holding a share of the deliveries. @param {{ leSeconds: number, count: number }[]} buckets @param {number} total @param {number} share */
function quantileBound(buckets, total, share) {
  const found = buckets.find((b) => b.count >= total * share);
  return found ? `≤ ${found.leSeconds * 1000} ms` : `over ${(buckets.at(-1)?.leSeconds ?? 0) * 1000} ms`;
}

/** @type {Record<string, string>} */
const KIND_WORDS = { keys: 'webhook', changed: 'poll', full: 'full run', replay: 'replay' };

/** @param {RunsResponse} r @returns {Child[]} */
export function drawRuns(r) {
  const hours = r.perHour.map((p) => new Date(p.hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const read = r.perHour.reduce((a, p) => a + p.read, 0);
  const held = r.perHour.reduce((a, p) => a + p.quarantined, 0);
  /** @type {Child[]} */
  const out = [
    barChart({ title: 'Records per hour, last 24 hours', summary: `${read} record(s) read and ${held} quarantined in the last 24 hours`, labels: hours, every: 4, series: [{ name: 'read', className: 'series-read', values: r.perHour.map((p) => p.read) }, { name: 'quarantined', className: 'series-held', values: r.perHour.map((p) => p.quarantined) }] }),
  ];
  const ack = r.webhookAck;
  if (!ack || ack.count === 0) out.push(status('No webhook has been acknowledged since the connector started.'));
  else {
    const perBucket = ack.buckets.map((b, i) => b.count - (ack.buckets[i - 1]?.count ?? 0));
    out.push(barChart({ title: 'Webhook acknowledgement latency since the connector started', summary: `${ack.count} webhook(s): half answered in ${quantileBound(ack.buckets, ack.count, 0.5)}, 99 in 100 in ${quantileBound(ack.buckets, ack.count, 0.99)}`, labels: ack.buckets.map((b) => `≤${b.leSeconds * 1000} ms`), every: 2, series: [{ name: 'deliveries', className: 'series-read', values: perBucket }] }));
  }
  const stages = ['read', 'written', 'quarantined', 'pending', 'released'];
  if (r.runs.some((run) => run.durationMs === undefined)) out.push(h('p', { class: 'meta' }, 'A run with no duration was not made by this connector process (before a restart, another replica, or the command line).'));
  out.push(table(`Runs since ${when(r.since)}, newest first`, ['Started', 'Run', 'Started by', 'Duration', ...stages], r.runs.map((run) => [when(run.startedAt), run.runId, KIND_WORDS[run.kind ?? ''] ?? 'another process', run.durationMs === undefined ? '—' : duration(run.durationMs), ...stages.map((s) => String(run.counts[/** @type {keyof typeof run.counts} */ (s)] ?? 0))]), 'No run in the last 24 hours.'));
  return out;
}
