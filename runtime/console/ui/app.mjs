// @ts-check
// The console page: hash routes (#/page/pipeline/…), one view per route whose title and controls stay
// put while its data loads (no layout shift), and the login. Every shape comes from
// runtime/console/api/types.ts; `npm test` type-checks this folder against it (tsconfig.json here).
import { api, failureText, session } from './api.mjs';
import { enc, h, status } from './dom.mjs';
import { drawCoverage, drawRuns } from './pages-health.mjs';
import { drawPipelines, drawQuarantine } from './pages-ops.mjs';
import { drawPlan, drawTrail, TRAIL_PAGE } from './pages-records.mjs';

/** @typedef {import('../api/types.ts').SessionInfo} SessionInfo */
/** @typedef {import('../api/types.ts').PipelinesResponse} PipelinesResponse */
/** @typedef {import('./dom.mjs').Child} Child */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
/** Bumped on each render, so a slow answer for a page already left is dropped. */
let generation = 0;

/** @param {string} title @param {...(Child | Child[])} content */
function page(title, ...content) {
  main.replaceChildren(h('h2', {}, title));
  for (const c of content.flat()) if (c !== null && c !== undefined && c !== false) main.append(typeof c === 'number' ? String(c) : c);
}

/**
 * A page whose controls stay while its content loads into a region of reserved height.
 * @template T
 * @param {string} title @param {Child[]} controls @param {() => Promise<T>} load @param {(data: T) => Child[]} draw
 */
async function view(title, controls, load, draw) {
  const mine = ++generation;
  const region = h('div', { class: 'content' }, status('Loading…'));
  page(title, controls, region);
  main.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = draw(await load());
  } catch (error) {
    content = [status(failureText(error), true)];
  }
  if (mine !== generation) return;
  region.replaceChildren();
  for (const c of content) if (c !== null && c !== undefined && c !== false) region.append(typeof c === 'number' ? String(c) : c);
  main.setAttribute('aria-busy', 'false');
}

/** @type {Promise<string[]> | undefined} */
let names;
const pipelineNames = () => (names ??= api('/api/pipelines').then((/** @type {PipelinesResponse} */ r) => r.pipelines.map((p) => p.name)).catch(() => []));

/** The pipeline chooser (and the record key for a trail). @param {string} route @param {string[]} names @param {string[]} args */
function chooser(route, names, args) {
  const trail = route === 'trail';
  const form = h('form', { class: 'inline', 'aria-label': 'Choose what to show', onsubmit: (e) => {
    e.preventDefault();
    const values = new FormData(form);
    const parts = [values.get('pipeline'), ...(trail ? [values.get('key')] : [])].map((v) => enc(String(v ?? '').trim()));
    location.hash = `#/${route}/${parts.join('/')}`;
  } },
  h('label', {}, 'Pipeline', h('select', { name: 'pipeline', required: true }, names.map((n) => h('option', { value: n, selected: n === args[0] }, n)))),
  trail ? h('label', {}, 'Record (employee number)', h('input', { name: 'key', required: true, value: args[1] ?? '', autocomplete: 'off' })) : null,
  h('button', { type: 'submit' }, 'Show'));
  return form;
}

// `any`: each route's answer type is named by its draw function's JSDoc; the table only routes.
/** @type {Record<string, { title: string, path: (args: string[]) => string | undefined, draw: (data: any, args: string[]) => Child[] }>} */
const ROUTES = {
  trail: { title: 'Record trail', path: ([p, key]) => (p && key ? `/api/pipelines/${enc(p)}/records/${enc(key)}/trail?limit=${TRAIL_PAGE}` : undefined), draw: drawTrail },
  quarantine: { title: 'Quarantine', path: ([p, cursor]) => (p ? `/api/pipelines/${enc(p)}/quarantine?limit=100&cursor=${/^\d+$/.test(cursor ?? '') ? cursor : 0}` : undefined), draw: (q, [, cursor]) => drawQuarantine(q, Number(cursor ?? 0) || 0) },
  plan: { title: 'Plan', path: ([p]) => (p ? `/api/pipelines/${enc(p)}/plan` : undefined), draw: drawPlan },
  coverage: { title: 'Coverage', path: ([p]) => (p ? `/api/pipelines/${enc(p)}/coverage` : undefined), draw: drawCoverage },
  runs: { title: 'Runs and metrics', path: ([p]) => (p ? `/api/pipelines/${enc(p)}/runs` : undefined), draw: drawRuns },
};

function drawLogin() {
  const message = status(session.current.loopback ? '' : 'This console needs a login from this address.');
  const form = h('form', { class: 'inline', 'aria-label': 'Log in', onsubmit: async (e) => {
    e.preventDefault();
    const v = new FormData(form);
    const token = String(v.get('token') ?? '');
    try {
      session.current = await api('/api/login', token ? { token } : { user: String(v.get('user') ?? ''), password: String(v.get('password') ?? '') });
      void render();
    } catch (error) {
      message.textContent = failureText(error);
      message.className = 'status error';
      message.setAttribute('role', 'alert');
    }
  } },
  h('label', {}, 'Access token', h('input', { name: 'token', type: 'password', autocomplete: 'off' })),
  h('label', {}, 'or user', h('input', { name: 'user', autocomplete: 'username' })),
  h('label', {}, 'and password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password' })),
  h('button', { type: 'submit' }, 'Log in'));
  generation++;
  page('Log in', message, form);
  main.setAttribute('aria-busy', 'false');
}

async function render() {
  const [route = 'pipelines', ...args] = location.hash.replace(/^#\/?/, '').split('/').map((s) => { try { return decodeURIComponent(s); } catch { return ''; } });
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('data-page') === route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const s = session.current;
  who.textContent = s.authenticated ? `Signed in as ${s.role}${s.loopback ? ' (this machine)' : ''}` : '';
  if (!s.authenticated) return drawLogin();
  const spec = ROUTES[route];
  if (!spec) return view('Pipelines', [], () => api('/api/pipelines'), drawPipelines);
  const known = await pipelineNames();
  if (!args[0] && known.length === 1) return location.replace(`#/${route}/${enc(known[0] ?? '')}`);
  const path = spec.path(args);
  const title = args[0] ? `${spec.title}: ${route === 'trail' && args[1] ? `${args[1]} in ` : ''}${args[0]}` : spec.title;
  const controls = [chooser(route, known, args)];
  if (!path) {
    generation++;
    page(title, controls, status(route === 'trail' ? 'Choose a pipeline and enter a record key to see its trail.' : 'Choose a pipeline.'));
    return main.setAttribute('aria-busy', 'false');
  }
  return view(title, controls, () => api(path), (data) => spec.draw(data, args));
}

session.onEnded = () => void render();
addEventListener('hashchange', () => {
  void render();
  main.focus();
});
api('/api/session').then((/** @type {SessionInfo} */ s) => { session.current = s; }).catch(() => {}).finally(() => void render());
