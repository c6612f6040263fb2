// @ts-check
// One record's trail (a timeline: the read, each step, the target changes it caused, before → after,
// and the versions involved; paged a thousand events at a time) and the plan (what a run would change now).
import { api, failureText } from './api.mjs';
import { append, enc, h, show, status, table, when } from './dom.mjs';

/** @typedef {import('../api/types.ts').TrailResponse} TrailResponse */
/** @typedef {import('../api/types.ts').TrailEvent} TrailEvent */
/** @typedef {import('../api/types.ts').PlanResponse} PlanResponse */
/** @typedef {import('./dom.mjs').Child} Child */

export const TRAIL_PAGE = 1000;

/** The fields that differ between before and after, as "field: before → after" lines. @param {TrailEvent} e */
function changedFields(e) {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return fields.map((k) => h('li', {}, h('span', { class: 'field' }, k), ': ', e.before ? `${show(before[k])} → ` : '', show(after[k])));
}

/** @param {TrailEvent} e */
function eventItem(e) {
  const changes = changedFields(e);
  return h('li', {},
    h('span', { class: `stage stage-${e.stage}` }, e.stage), ' ', h('span', {}, `${e.recordKey}${e.step ? ` [${e.step}]` : ''}`),
    h('div', { class: 'meta' }, `${when(e.at)} · run ${e.runId} · version ${e.pipelineVersion}`),
    e.detail ? h('div', {}, e.detail) : null,
    changes.length ? h('ul', { class: 'changes', 'aria-label': e.before ? 'Changed, before → after' : 'Values' }, changes) : null,
    e.before || e.after ? h('details', {}, h('summary', {}, 'All values'), h('pre', {}, `${e.before ? `before: ${show(e.before)}\n` : ''}${e.after ? `after:  ${show(e.after)}` : ''}`)) : null,
    e.related?.length ? h('div', { class: 'meta' }, `related: ${e.related.join(', ')}`) : null);
}

/** @param {TrailResponse} t @returns {Child[]} */
export function drawTrail(t) {
  if (t.events.length === 0) return [status(`Nothing is recorded for ${t.recordKey} in ${t.pipeline}. Check the record key (the employee number).`)];
  const list = h('ol', { class: 'timeline', 'aria-label': `Trail of ${t.recordKey}` }, t.events.map(eventItem));
  const shown = h('p', { class: 'meta', role: 'status' }, `${t.events.length} event(s) shown.`);
  let next = t.nextCursor;
  const more = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    more.disabled = true;
    try {
      /** @type {TrailResponse} */
      const page = await api(`/api/pipelines/${enc(t.pipeline)}/records/${enc(t.recordKey)}/trail?cursor=${next}&limit=${TRAIL_PAGE}`);
      append(list, page.events.map(eventItem));
      next = page.nextCursor;
      shown.textContent = `${list.children.length} event(s) shown.`;
      more.disabled = next === undefined;
      more.hidden = next === undefined;
    } catch (error) {
      shown.textContent = failureText(error);
      more.disabled = false;
    }
  } }, `Show the next ${TRAIL_PAGE.toLocaleString('en')} events`);
  more.hidden = next === undefined;
  return [list, shown, more];
}

/** @param {PlanResponse} p @returns {Child[]} */
export function drawPlan(p) {
  const rows = p.changes.flatMap((c) => (c.fields.length ? c.fields : [{ field: '' }]).map((f, i) => [i === 0 ? c.action : '', i === 0 ? `${c.entity}/${c.key}` : '', f.field, show(f.before), show(f.after)]));
  const held = Object.entries(p.summary.quarantined).map(([c, n]) => `${n} × ${c}`).join(', ');
  return [
    h('p', { class: 'meta' }, `Pipeline ${p.pipeline} · version ${p.pipelineVersion} · ${p.summary.read} records read, ${p.summary.unchanged} unchanged`),
    table('Changes a run would make now', ['Action', 'Item', 'Field', 'Before', 'After'], rows, 'No changes: the target system already matches.'),
    held ? h('p', {}, `Would quarantine: ${held} (see the quarantine page).`) : null,
  ];
}
