// The sluice web UI: reads the REST API, renders the cluster, the jobs and one job; cancel and savepoint buttons.

/** Every REST path the UI calls (a test checks each exists on the server). */
export const API = {
  overview: '/overview',
  jobs: '/jobs/overview',
  job: '/jobs/:jobid',
  checkpoints: '/jobs/:jobid/checkpoints',
  exceptions: '/jobs/:jobid/exceptions',
  backpressure: '/jobs/:jobid/vertices/:vertexid/backpressure',
  cancel: '/jobs/:jobid',
  savepoint: '/jobs/:jobid/savepoints',
  savepointStatus: '/jobs/:jobid/savepoints/:triggerid',
};

const $ = (id) => document.getElementById(id);
let selected = new URLSearchParams(location.hash.slice(1)).get('job');
let timer;

function path(template, params = {}) {
  return template.replace(/:(\w+)/g, (_, name) => encodeURIComponent(params[name]));
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function say(message) {
  $('status').textContent = message;
}

async function call(template, params, init = {}) {
  const headers = { ...(init.body ? { 'content-type': 'application/json' } : {}) };
  const token = sessionStorage.getItem('sluice-token');
  if (token && init.method) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path(template, params), { ...init, headers });
  if (response.status === 401 && init.method) {
    const entered = prompt('This cluster needs its token (rest.auth.token):');
    if (entered) {
      sessionStorage.setItem('sluice-token', entered);
      return call(template, params, init);
    }
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.errors || [response.statusText]).join('; '));
  return body;
}

const duration = (ms) => (ms < 0 ? '' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

function renderOverview(o) {
  $('version').textContent = `version ${o['flink-version']}`;
  const list = $('overview');
  list.replaceChildren();
  for (const [label, key] of [['TaskManagers', 'taskmanagers'], ['Slots', 'slots-total'], ['Free slots', 'slots-available'],
    ['Running', 'jobs-running'], ['Finished', 'jobs-finished'], ['Cancelled', 'jobs-cancelled'], ['Failed', 'jobs-failed']]) {
    const item = el('div');
    item.append(el('dt', label), el('dd', o[key]));
    list.append(item);
  }
}

function renderJobs(jobs) {
  const body = $('jobs').querySelector('tbody');
  body.replaceChildren();
  for (const job of jobs) {
    const row = el('tr');
    const link = el('a', job.name, { href: `#job=${job.jid}` });
    link.addEventListener('click', () => { selected = job.jid; void refresh(); });
    const name = el('td');
    name.append(link);
    row.append(name, el('td', job.jid), el('td', job.state, { class: `state-${job.state}` }),
      el('td', new Date(job['start-time']).toLocaleString()), el('td', duration(job.duration)),
      el('td', `${job.tasks.running} running / ${job.tasks.total}`, { class: 'num' }));
    body.append(row);
  }
}

async function renderJob(jobId) {
  const [job, checkpoints, exceptions] = await Promise.all([
    call(API.job, { jobid: jobId }), call(API.checkpoints, { jobid: jobId }), call(API.exceptions, { jobid: jobId }),
  ]);
  $('job').hidden = false;
  $('job-title').textContent = `Job ${job.name}`;
  $('job-state').textContent = `${job.state} · ${job.jid}${job['rescaled-to'] ? ` · continued as ${job['rescaled-to']}` : ''}`;
  const running = job.state === 'RUNNING';
  $('cancel').disabled = !running;
  $('savepoint').disabled = !running;
  const body = $('vertices').querySelector('tbody');
  body.replaceChildren();
  for (const v of job.vertices) {
    let pressure = '';
    if (running) {
      pressure = await call(API.backpressure, { jobid: jobId, vertexid: v.id })
        .then((b) => b['backpressure-level']).catch(() => '');
    }
    const row = el('tr');
    row.append(el('td', v.name), el('td', v.status, { class: `state-${v.status}` }), el('td', v.parallelism, { class: 'num' }),
      el('td', v.metrics['read-records'], { class: 'num' }), el('td', v.metrics['write-records'], { class: 'num' }), el('td', pressure));
    body.append(row);
  }
  const counts = $('checkpoints');
  counts.replaceChildren();
  for (const key of ['completed', 'failed', 'in_progress', 'restored']) {
    const item = el('div');
    item.append(el('dt', key.replace('_', ' ')), el('dd', checkpoints.counts[key]));
    counts.append(item);
  }
  const latest = checkpoints.latest.savepoint;
  if (latest) {
    const item = el('div');
    item.append(el('dt', 'latest savepoint'), el('dd', latest.external_path));
    counts.append(item);
  }
  const history = $('checkpoint-history').querySelector('tbody');
  history.replaceChildren();
  for (const c of checkpoints.history) {
    const row = el('tr');
    row.append(el('td', c.id, { class: 'num' }), el('td', c.status, { class: `state-${c.status}` }),
      el('td', c.is_savepoint ? 'savepoint' : 'checkpoint'), el('td', new Date(c.trigger_timestamp).toLocaleTimeString()),
      el('td', `${c.end_to_end_duration} ms`, { class: 'num' }), el('td', `${c.state_size} B`, { class: 'num' }),
      el('td', `${c.num_acknowledged_subtasks}/${c.num_subtasks}`, { class: 'num' }), el('td', c.failure_message || ''));
    history.append(row);
  }
  $('exceptions').textContent = exceptions['root-exception'] || 'none';
}

async function refresh() {
  try {
    const [overview, jobs] = await Promise.all([call(API.overview), call(API.jobs)]);
    renderOverview(overview);
    renderJobs(jobs.jobs);
    if (selected) await renderJob(selected);
    say('');
  } catch (error) {
    say(`Could not refresh: ${error.message}`);
  }
}

$('cancel').addEventListener('click', async () => {
  if (!selected || !confirm(`Cancel job ${selected}?`)) return;
  try {
    await call(`${API.cancel}?mode=cancel`, { jobid: selected }, { method: 'PATCH' });
    say(`Cancelling job ${selected}`);
    await refresh();
  } catch (error) {
    say(`Cancel failed: ${error.message}`);
  }
});

$('savepoint').addEventListener('click', async () => {
  if (!selected) return;
  const dir = prompt('Savepoint directory (empty: state.savepoints.dir):', '');
  if (dir === null) return;
  try {
    const body = JSON.stringify(dir ? { 'target-directory': dir } : {});
    const { 'request-id': trigger } = await call(API.savepoint, { jobid: selected }, { method: 'POST', body });
    say('Savepoint in progress...');
    for (;;) {
      const state = await call(API.savepointStatus, { jobid: selected, triggerid: trigger });
      if (state.status.id === 'COMPLETED') {
        const op = state.operation || {};
        say(op.location ? `Savepoint written to ${op.location}` : `Savepoint failed: ${op['failure-cause']?.['stack-trace'] ?? ''}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (error) {
    say(`Savepoint failed: ${error.message}`);
  }
});

function schedule() {
  clearInterval(timer);
  if ($('auto-refresh').checked) timer = setInterval(refresh, 3000);
}
$('auto-refresh').addEventListener('change', schedule);
window.addEventListener('hashchange', () => {
  selected = new URLSearchParams(location.hash.slice(1)).get('job');
  void refresh();
});
schedule();
void refresh();
