// The console page: hash routes, one fetch per view, and DOM built from text nodes only (no HTML
// is ever parsed), so a value such as an employee name is always shown as text. Types come from
// runtime/console/api/types.ts.
/** @typedef {import('../api/types.ts').SessionInfo} SessionInfo */
/** @typedef {import('../api/types.ts').PipelinesResponse} PipelinesResponse */
/** @typedef {import('../api/types.ts').TrailResponse} TrailResponse */
/** @typedef {import('../api/types.ts').QuarantineResponse} QuarantineResponse */
/** @typedef {import('../api/types.ts').PlanResponse} PlanResponse */

/** @type {SessionInfo} */
let session = { authenticated: false, loopback: false };
const main = /** @type {HTMLElement} */ (document.getElementById('main'));

/** Element builder: children are nodes or strings (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  return el;
}
const show = (v) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');
const enc = encodeURIComponent;

class ApiFailure extends Error {}

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf ?? '' }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiFailure('The connector did not answer. Check that it is running, then reload the page.');
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== '/api/login') {
    session = { authenticated: false, loopback: false };
    render();
    throw new ApiFailure('Your session ended. Please log in again.');
  }
  if (!response.ok) throw new ApiFailure(typeof data.error === 'string' ? data.error : `The request failed (${response.status}).`);
  return data;
}

function page(title, ...content) {
  main.setAttribute('aria-busy', 'false');
  main.replaceChildren(h('h2', {}, title), ...content.flat().filter((c) => c !== null && c !== undefined));
}
const status = (text, error = false) => h('p', { class: error ? 'status error' : 'status', role: error ? 'alert' : 'status' }, text);

async function view(title, load, draw) {
  page(title, status('Loading…'));
  main.setAttribute('aria-busy', 'true');
  try {
    const data = await load();
    page(title, ...[draw(data)].flat());
  } catch (error) {
    page(title, status(error instanceof ApiFailure ? error.message : 'Something went wrong while showing this page.', true));
  }
}

function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'status' }, empty);
  return h('table', {}, h('caption', { class: 'meta' }, caption), h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

/** @param {PipelinesResponse} data */
function drawPipelines(data) {
  const out = [];
  if (data.pipelines.length === 0) out.push(status('No pipeline is running. Check the pipelines folder given to serve.'));
  for (const p of data.pipelines) {
    const causes = Object.entries(p.quarantinedByCause).map(([c, n]) => `${n} × ${c}`).join(', ');
    out.push(
      h('section', { 'aria-label': `Pipeline ${p.name}` },
        h('h3', {}, p.name, ' ', h('span', { class: `state-${p.state}` }, `(${p.state})`)),
        h('p', { class: 'meta' }, `File ${p.file} · version ${p.version} · last run ${when(p.lastRunAt)} · last success ${when(p.lastSuccessAt)}`),
        p.lastError ? h('p', { class: 'error' }, `Last error: ${p.lastError}`) : null,
        table('Last run', ['Read', 'Pending', 'Drift found', 'Quarantined'], p.lastRun ? [[p.lastRun.read, p.lastRun.pending, p.lastRun.drift, p.lastRun.quarantined]] : [], 'No run since the connector started.'),
        h('p', {}, causes ? `Quarantined: ${causes}. ` : 'Nothing is quarantined. ', h('a', { href: `#/quarantine/${enc(p.name)}` }, 'Open quarantine'), ' · ', h('a', { href: `#/plan/${enc(p.name)}` }, 'See the plan')),
        table('Waiting to retry', ['Item', 'Attempts', 'Next attempt', 'Last error'], p.pending.map((x) => [`${x.entity}/${x.key}`, x.attempts, when(x.nextAttemptAt), x.lastError]), 'No change is waiting to be retried.'),
      ),
    );
  }
  for (const f of data.notLoaded) out.push(h('p', { class: 'error' }, `Not running: ${f.file}: ${f.reason}`));
  return out;
}

function pipelinePicker(route, current, extra = []) {
  const form = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const values = new FormData(form);
    location.hash = `#/${route}/${[values.get('pipeline'), ...extra.map((x) => values.get(x.name))].map((v) => enc(String(v ?? ''))).join('/')}`;
  } },
  h('label', {}, 'Pipeline', h('input', { name: 'pipeline', required: true, value: current[0] ?? '' })),
  extra.map((x, i) => h('label', {}, x.label, h('input', { name: x.name, required: true, value: current[i + 1] ?? '' }))),
  h('button', { type: 'submit' }, 'Show'));
  return form;
}

/** @param {TrailResponse} t */
function drawTrail(t) {
  if (t.events.length === 0) return status(`Nothing is recorded for ${t.recordKey} in ${t.pipeline}. Check the key (the employee number).`);
  return [
    h('ol', { class: 'timeline', 'aria-label': `Trail of ${t.recordKey}` }, t.events.map((e) => h('li', {},
      h('span', { class: 'stage' }, e.stage), ' ', h('span', {}, `${e.recordKey}${e.step ? ` [${e.step}]` : ''}`),
      h('div', { class: 'meta' }, `${when(e.at)} · run ${e.runId} · version ${e.pipelineVersion}`),
      e.detail ? h('div', {}, e.detail) : null,
      e.before || e.after ? h('pre', {}, `${e.before ? `before: ${show(e.before)}\n` : ''}${e.after ? `after:  ${show(e.after)}` : ''}`) : null,
      e.related?.length ? h('div', { class: 'meta' }, `related: ${e.related.join(', ')}`) : null))),
    t.nextCursor !== undefined ? h('p', {}, `Showing the first ${t.nextCursor} events.`) : null,
  ];
}

async function replayButton(pipeline, body, label) {
  return h('button', { type: 'button', disabled: session.role !== 'operator', title: session.role === 'operator' ? undefined : 'Only an operator may replay', onclick: async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      const r = await api(`/api/pipelines/${enc(pipeline)}/replay`, body);
      button.after(h('span', { role: 'status' }, ` ${r.queued} record(s) queued for replay.`));
    } catch (error) {
      button.after(h('span', { role: 'alert', class: 'error' }, ` ${error.message}`));
      button.disabled = false;
    }
  } }, label);
}

/** @param {QuarantineResponse} q */
async function drawQuarantine(q) {
  if (q.total === 0) return status(`Nothing is quarantined in ${q.pipeline}.`);
  const groups = await Promise.all(q.groups.map(async (g) => [g.code, g.count, g.causes.map((c) => `${c.cause} (${c.count})`).join('; '), await replayButton(q.pipeline, { code: g.code }, `Replay all ${g.count}`)]));
  const items = await Promise.all(q.items.map(async (i) => [i.recordKey, i.code, i.cause, when(i.since), await replayButton(q.pipeline, { recordKey: i.recordKey }, `Replay ${i.recordKey}`)]));
  return [
    h('p', {}, `${q.total} record(s) wait. `, await replayButton(q.pipeline, { all: true }, 'Replay everything')),
    table('By cause', ['Cause', 'Records', 'Values that failed', ''], groups, ''),
    table(`Records ${q.items.length ? 1 : 0}–${q.items.length}`, ['Record', 'Cause', 'What failed', 'Since', ''], items, 'No record on this page.'),
    q.nextCursor !== undefined ? h('p', { class: 'meta' }, `${q.total - q.items.length} more not shown.`) : null,
  ];
}

/** @param {PlanResponse} p */
function drawPlan(p) {
  const rows = p.changes.flatMap((c) => (c.fields.length ? c.fields : [{ field: '' }]).map((f, i) => [i === 0 ? c.action : '', i === 0 ? `${c.entity}/${c.key}` : '', f.field, show(f.before), show(f.after)]));
  const held = Object.entries(p.summary.quarantined).map(([c, n]) => `${n} × ${c}`).join(', ');
  return [
    h('p', { class: 'meta' }, `Pipeline ${p.pipeline} · version ${p.pipelineVersion} · ${p.summary.read} records read, ${p.summary.unchanged} unchanged`),
    table('Changes a run would make now', ['Action', 'Item', 'Field', 'Before', 'After'], rows, 'No changes: the target system already matches.'),
    held ? h('p', {}, `Would quarantine: ${held}.`) : null,
  ];
}

function drawLogin() {
  const message = h('p', { class: 'status', role: 'status' }, session.loopback ? '' : 'This console needs a login from this address.');
  const form = h('form', { class: 'inline', 'aria-label': 'Log in', onsubmit: async (e) => {
    e.preventDefault();
    const v = new FormData(form);
    const token = String(v.get('token') ?? '');
    try {
      session = await api('/api/login', token ? { token } : { user: String(v.get('user') ?? ''), password: String(v.get('password') ?? '') });
      render();
    } catch (error) {
      message.textContent = error.message;
      message.className = 'status error';
    }
  } },
  h('label', {}, 'Access token', h('input', { name: 'token', type: 'password', autocomplete: 'off' })),
  h('label', {}, 'or user', h('input', { name: 'user', autocomplete: 'username' })),
  h('label', {}, 'and password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password' })),
  h('button', { type: 'submit' }, 'Log in'));
  page('Log in', message, form);
}

async function render() {
  const [route = 'pipelines', ...args] = location.hash.replace(/^#\/?/, '').split('/').map((s) => { try { return decodeURIComponent(s); } catch { return ''; } });
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('data-page') === route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('who').textContent = session.authenticated ? `Signed in as ${session.role}${session.loopback ? ' (this machine)' : ''}` : '';
  if (!session.authenticated) return drawLogin();
  const [pipeline, key] = args;
  if (route === 'trail') {
    if (!pipeline || !key) return page('Record trail', pipelinePicker('trail', args, [{ name: 'key', label: 'Record (employee number)' }]), status('Enter a pipeline and a record to see its trail.'));
    return view(`Trail of ${key}`, () => api(`/api/pipelines/${enc(pipeline)}/records/${enc(key)}/trail?limit=1000`), (t) => [pipelinePicker('trail', args, [{ name: 'key', label: 'Record (employee number)' }]), drawTrail(t)].flat());
  }
  if (route === 'quarantine' || route === 'plan') {
    const title = route === 'plan' ? 'Plan' : 'Quarantine';
    if (!pipeline) return page(title, pipelinePicker(route, args), status('Enter a pipeline.'));
    if (route === 'plan') return view(`Plan for ${pipeline}`, () => api(`/api/pipelines/${enc(pipeline)}/plan`), drawPlan);
    page(`Quarantine of ${pipeline}`, status('Loading…'));
    return view(`Quarantine of ${pipeline}`, () => api(`/api/pipelines/${enc(pipeline)}/quarantine?limit=100`).then(drawQuarantine), (nodes) => nodes);
  }
  if (route === 'coverage') return page('Coverage', status("Not in the console yet: run 'ml-connector coverage <pipeline>' for mapping coverage."));
  return view('Pipelines', () => api('/api/pipelines'), drawPipelines);
}

addEventListener('hashchange', () => void render());
api('/api/session').then((s) => { session = s; }).catch(() => {}).finally(() => void render());
