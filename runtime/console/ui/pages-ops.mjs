// @ts-check
// The pipelines page (each pipeline at a glance) and the quarantine page (grouped by cause, paged,
// with replay for operators).
import { api, failureText, session } from './api.mjs';
import { duration, enc, h, status, table, when } from './dom.mjs';

/** @typedef {import('../api/types.ts').PipelinesResponse} PipelinesResponse */
/** @typedef {import('../api/types.ts').QuarantineResponse} QuarantineResponse */
/** @typedef {import('../api/types.ts').ReplayRequest} ReplayRequest */
/** @typedef {import('../api/types.ts').ReplayResponse} ReplayResponse */
/** @typedef {import('../api/types.ts').RunNowRequest} RunNowRequest */
/** @typedef {import('./dom.mjs').Child} Child */

/** @type {Record<string, string>} */
const KIND_WORDS = { keys: 'Webhooks', changed: 'Poll for changes', full: 'Full run', replay: 'Replay' };
const STATE_WORDS = { ok: 'working', degraded: 'working, with records waiting', failing: 'stopped by an error' };

/** @param {PipelinesResponse} data @returns {Child[]} */
export function drawPipelines(data) {
  /** @type {Child[]} */
  const out = [];
  if (data.pipelines.length === 0) out.push(status('No pipeline is running. Check the pipelines folder given to serve.'));
  for (const p of data.pipelines) {
    const causes = Object.entries(p.quarantinedByCause).map(([c, n]) => `${n} × ${c}`).join(', ');
    const name = enc(p.name);
    out.push(
      h('section', { 'aria-label': `Pipeline ${p.name}` },
        h('h3', {}, p.name, ' ', h('span', { class: `state-${p.state}` }, `${p.state}: ${STATE_WORDS[p.state]}`)),
        h('p', { class: 'meta' }, `File ${p.file} · version ${p.version} · last run ${when(p.lastRunAt)} · last success ${when(p.lastSuccessAt)} · ${p.queuedJobs} job(s) queued`),
        p.lastError ? h('p', { class: 'error' }, `Last error: ${p.lastError}`) : null,
        table('Last run', ['Read', 'Waiting to retry', 'Drift found', 'Quarantined'], p.lastRun ? [[p.lastRun.read, p.lastRun.pending, p.lastRun.drift, p.lastRun.quarantined]] : [], 'No run since the connector started.'),
        table('Last run by trigger', ['Trigger', 'Started', 'Duration', 'Read', 'Quarantined'], p.lastRunByKind.map((r) => [KIND_WORDS[r.kind] ?? r.kind, when(r.startedAt), duration(r.durationMs), r.read, r.quarantined]), 'This connector process has not run a batch yet.'),
        h('p', {}, causes ? `Quarantined: ${causes}.` : 'Nothing is quarantined.'),
        h('p', { class: 'actions' }, runButton(p.name, 'changed', 'Look for changes now'), ' ', runButton(p.name, 'full', 'Run everything now')),
        h('p', { class: 'links' }, [['quarantine', 'Quarantine'], ['plan', 'Plan'], ['coverage', 'Coverage'], ['runs', 'Runs and metrics']].map(([route, label]) => h('a', { href: `#/${route}/${name}` }, label))),
        table('Waiting to retry', ['Item', 'Attempts', 'Next attempt', 'Last error'], p.pending.map((x) => [`${x.entity}/${x.key}`, x.attempts, when(x.nextAttemptAt), x.lastError]), 'No change is waiting to be retried.'),
      ),
    );
  }
  for (const f of data.notLoaded) out.push(h('p', { class: 'error' }, `Not running: ${f.file}: ${f.reason}`));
  return out;
}

/**
 * An operator's action button; a viewer sees it disabled with the reason. The outcome is announced beside it.
 * @template T
 * @param {string} path @param {unknown} body @param {string} label @param {(answer: T) => string} said
 */
function actionButton(path, body, label, said) {
  const operator = session.current.role === 'operator';
  const outcome = h('span', { role: 'status', class: 'outcome' });
  const button = h('button', { type: 'button', disabled: !operator, title: operator ? undefined : 'Only an operator may do this', onclick: async () => {
    button.disabled = true;
    try {
      outcome.textContent = ` ${said(await api(path, body))}`;
      outcome.className = 'outcome';
    } catch (error) {
      outcome.textContent = ` ${failureText(error)}`;
      outcome.className = 'outcome error';
    }
    button.disabled = false;
  } }, label);
  return h('span', {}, button, outcome);
}

/** @param {string} pipeline @param {ReplayRequest} body @param {string} label */
const replayButton = (pipeline, body, label) => actionButton(`/api/pipelines/${enc(pipeline)}/replay`, body, label, (/** @type {ReplayResponse} */ r) => `${r.queued} record(s) queued for replay.`);

/** @param {string} pipeline @param {RunNowRequest['mode']} mode @param {string} label */
const runButton = (pipeline, mode, label) => actionButton(`/api/pipelines/${enc(pipeline)}/run`, { mode }, label, () => (mode === 'full' ? 'A full run is queued.' : 'A look for changes is queued.'));

/** @param {QuarantineResponse} q @param {number} cursor @returns {Child[]} */
export function drawQuarantine(q, cursor) {
  if (q.total === 0) return [status(`Nothing is quarantined in ${q.pipeline}.`)];
  const groups = q.groups.map((g) => [g.code, g.count, g.causes.map((c) => `${c.cause} (${c.count})`).join('; '), replayButton(q.pipeline, { code: g.code }, `Replay all ${g.count}`)]);
  const items = q.items.map((i) => [h('a', { href: `#/trail/${enc(q.pipeline)}/${enc(i.recordKey)}` }, i.recordKey), i.code, i.cause, when(i.since), replayButton(q.pipeline, { recordKey: i.recordKey }, `Replay ${i.recordKey}`)]);
  const base = `#/quarantine/${enc(q.pipeline)}`;
  const last = cursor + q.items.length;
  return [
    h('p', {}, `${q.total} record(s) wait. `, replayButton(q.pipeline, { all: true }, 'Replay everything')),
    table('By cause', ['Cause', 'Records', 'Values that failed', 'Action'], groups, ''),
    table(`Records ${q.items.length ? cursor + 1 : 0}–${last} of ${q.total}`, ['Record', 'Cause', 'What failed', 'Since', 'Action'], items, 'No record on this page.'),
    h('p', { class: 'links' },
      cursor > 0 ? h('a', { href: `${base}/${Math.max(0, cursor - 100)}` }, 'Previous 100') : null,
      q.nextCursor !== undefined ? h('a', { href: `${base}/${q.nextCursor}` }, 'Next 100') : null),
  ];
}
