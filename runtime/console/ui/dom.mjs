// @ts-check
// DOM building for the console: elements from text nodes only (no HTML is ever parsed), so a value
// such as an employee name is always shown as text; small shared pieces (tables, status lines, dates).

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {string | number | boolean | undefined | ((event: Event) => void)} Attribute */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, Attribute>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {(Child | Child[])[]} children */
export function append(el, children) {
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(typeof c === 'number' ? String(c) : c);
}

/** A JSON value as one line of text: strings as they are, a missing value as a dash. @param {unknown} v */
export const show = (v) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
// One formatter for the page: toLocaleString builds a new one per call, which a 1,000-event trail feels.
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
/** @param {string | undefined} iso */
export const when = (iso) => (iso ? DATE_TIME.format(new Date(iso)) : 'never');
/** @param {number} ms */
export const duration = (ms) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);
export const enc = encodeURIComponent;

/** A status line; an error one is announced at once (role alert). @param {string} text */
export const status = (text, error = false) => h('p', { class: error ? 'status error' : 'status', role: error ? 'alert' : 'status' }, text);

/**
 * A table with a caption (its accessible name) and column headers, or the empty sentence when no rows.
 * @param {string} caption @param {string[]} headers @param {(Child | Child[])[][]} rows @param {string} empty
 */
export function table(caption, headers, rows, empty) {
  if (rows.length === 0) return status(empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}
