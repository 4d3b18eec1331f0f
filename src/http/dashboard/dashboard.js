// flowmock dashboard: a plain ES module, no framework, no network beyond this server.
// Data comes from the spec'd JSON endpoints under /__flowmock/ with the admin key in an
// X-API-Key header; live updates from the Server-Sent Events stream /__flowmock/events, read
// with fetch (EventSource cannot send headers). Without streaming fetch it polls every second.

const STORAGE_KEY = 'flowmock.dashboard.apiKey';
const MAX_ROWS = 25;
const $ = (id) => document.getElementById(id);

let apiKey = sessionStorage.getItem(STORAGE_KEY);
let streamAbort = null;
let pollTimer = null;
const lastStatus = new Map(); // execution id → status, to announce changes

class AuthError extends Error {}

// ------------------------------------------------------------------ small DOM helpers

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function timeEl(iso) {
  if (!iso) return el('span', { class: 'sub', text: '—' });
  const d = new Date(iso);
  return el('time', { datetime: iso, title: d.toLocaleString(), text: d.toLocaleTimeString([], { hour12: false }) });
}

const statusBadge = (s) => el('span', { class: `status status-${s}`, text: s });
const shortId = (id) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

function announce(text) {
  const a = $('announcer');
  a.textContent = '';
  // A fresh text node after a tick makes screen readers read a repeated message again.
  setTimeout(() => { a.textContent = text; }, 50);
}

function setLive(state, text) {
  $('live').dataset.state = state;
  $('live-text').textContent = text;
}

function setEmpty(tbodyId) {
  $(`${tbodyId}-empty`).hidden = $(tbodyId).children.length > 0;
}

// ------------------------------------------------------------------ API

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { 'X-API-Key': apiKey ?? '', Accept: 'application/json', ...(init.headers ?? {}) } });
  if (res.status === 401 || res.status === 403) {
    const problem = await res.json().catch(() => ({}));
    throw new AuthError(problem.detail || `HTTP ${res.status}`);
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res;
}
const getJson = async (path) => (await api(path)).json();

// ------------------------------------------------------------------ executions

function documentLinks(docs) {
  if (!docs.length) return el('span', { class: 'sub', text: '—' });
  const list = el('ul', { class: 'docs' });
  for (const d of docs) {
    const a = el('a', { href: d.contentUrl, download: d.displayName, text: d.displayName });
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      downloadDocument(d).catch((err) => announce(`Could not download ${d.displayName}: ${err.message}`));
    });
    list.append(el('li', {}, a));
  }
  return list;
}

/** Document links need the key in a header: fetch the bytes, then save them from a blob URL. */
async function downloadDocument(d) {
  const res = await fetch(d.contentUrl, { headers: { 'X-API-Key': apiKey ?? '' } });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    throw new Error(problem.detail || `HTTP ${res.status}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: d.displayName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function executionRow(x) {
  const tr = el('tr', { id: `exec-${x.id}`, 'data-id': x.id });
  tr.append(
    el('td', {}, el('span', { 'data-role': 'flow', text: x.flow.displayName ?? x.flow.id }), el('br'), el('code', { class: 'sub', title: x.id, text: shortId(x.id) })),
    el('td', { 'data-role': 'status' }),
    el('td', {}, el('div', { class: 'progress' },
      el('progress', { max: '100', value: String(x.percentage), 'aria-label': `Progress of ${x.flow.displayName ?? 'flow'} ${shortId(x.id)}` }),
      el('span', { class: 'pct', 'data-role': 'pct' }))),
    el('td', { class: 'num', 'data-role': 'stages' }),
    el('td', { 'data-role': 'documents' }),
    el('td', {}, timeEl(x.createdAt)),
    el('td', { text: x.createdBy?.displayName ?? '—' }),
  );
  updateExecutionRow(tr, x);
  return tr;
}

function updateExecutionRow(tr, x) {
  const status = tr.querySelector('[data-role=status]');
  status.replaceChildren(statusBadge(x.status), el('br'), el('span', { class: 'sub', text: x.message ?? '' }));
  const bar = tr.querySelector('progress');
  bar.value = x.percentage;
  bar.textContent = `${x.percentage}%`;
  tr.querySelector('[data-role=pct]').textContent = `${x.percentage}%`;
  tr.querySelector('[data-role=stages]').textContent = String(x.stages);
  const docs = tr.querySelector('[data-role=documents]');
  const ids = x.documents.map((d) => d.id).join(',');
  if (docs.dataset.ids !== ids) {
    docs.dataset.ids = ids;
    docs.replaceChildren(documentLinks(x.documents));
  }
  tr.dataset.modified = x.modifiedAt;
}

function upsertExecution(x, { announceChange = true } = {}) {
  const tbody = $('executions');
  const existing = document.getElementById(`exec-${x.id}`);
  if (existing) {
    if (existing.dataset.modified && existing.dataset.modified > x.modifiedAt) return; // an older event
    updateExecutionRow(existing, x);
  } else {
    tbody.prepend(executionRow(x));
    while (tbody.children.length > MAX_ROWS) tbody.lastElementChild.remove();
  }
  const before = lastStatus.get(x.id);
  lastStatus.set(x.id, x.status);
  if (announceChange && before !== x.status) {
    announce(before ? `${x.flow.displayName} execution ${shortId(x.id)} is now ${x.status}.` : `${x.flow.displayName} execution ${shortId(x.id)} started: ${x.status}.`);
  }
  setEmpty('executions');
}

async function loadExecutions() {
  const page = await getJson(`/__flowmock/executions?size=${MAX_ROWS}`);
  $('executions').replaceChildren();
  for (const x of [...page.content].reverse()) upsertExecution(x, { announceChange: false });
  setEmpty('executions');
}

// ------------------------------------------------------------------ actionflow runs

function processRow(p) {
  return el('tr', { id: `proc-${p.id}`, 'data-id': p.id },
    el('td', {}, el('span', { text: `${p.application} / ${p.actionflow}` }), el('br'), el('code', { class: 'sub', title: p.id, text: shortId(p.id) })),
    el('td', {}, statusBadge(p.status), p.message ? el('span', { class: 'sub', text: ` ${p.message}` }) : null),
    el('td', { class: 'num', text: String(p.recordsDone) }),
    el('td', { class: 'num', text: p.httpStatus ?? '—' }),
    el('td', {}, timeEl(p.createdAt)),
    el('td', { text: p.user ?? 'anonymous' }),
  );
}

function upsertProcess(p) {
  const tbody = $('processes');
  const row = processRow(p);
  const existing = document.getElementById(`proc-${p.id}`);
  if (existing) existing.replaceWith(row);
  else {
    tbody.prepend(row);
    while (tbody.children.length > MAX_ROWS) tbody.lastElementChild.remove();
  }
  setEmpty('processes');
}

async function loadProcesses() {
  const page = await getJson(`/__flowmock/processes?size=${MAX_ROWS}`);
  $('processes').replaceChildren(...page.content.map(processRow));
  setEmpty('processes');
}

// ------------------------------------------------------------------ journal and report

function requestRow(r) {
  const query = Object.keys(r.query).length ? `?${new URLSearchParams(Object.entries(r.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])))}` : '';
  return el('tr', {},
    el('td', {}, timeEl(r.at)),
    el('td', { text: r.method }),
    el('td', {}, el('code', { text: r.path + query })),
    el('td', { class: `num http-${String(r.status)[0]}`, text: String(r.status) }),
    el('td', { class: 'num', text: r.durationMs.toFixed(1) }),
    el('td', { text: r.user ?? (r.client === 'anonymous' ? 'anonymous' : r.client) }),
    el('td', { class: 'sub', text: r.operationId ?? '—' }),
  );
}

async function loadRequests() {
  const page = await getJson(`/__flowmock/requests?size=${MAX_ROWS}`);
  $('requests').replaceChildren(...page.content.map(requestRow));
  setEmpty('requests');
}

function reportRow(c) {
  const who = c.kind === 'apiKey' ? `${c.user ?? 'unknown key'} (key ${shortId(c.apiKeyId)})`
    : c.kind === 'token' ? `token of ${c.tokenSubject}` : 'anonymous';
  const errors = c.clientErrors.byStatus.map((e) => `${e.status} × ${e.count}`).join(', ') || '—';
  const fastest = c.polling.executions.reduce((m, p) => Math.max(m, p.ratePerSecond), 0);
  const polling = c.polling.executions.length
    ? `${c.polling.tooFast} of ${c.polling.executions.length} executions (fastest ${fastest.toFixed(1)}/s)`
    : '—';
  const flag = (n, text) => el('td', { class: n > 0 ? 'flag' : 'num', text });
  return el('tr', {},
    el('td', { text: who }),
    el('td', { class: 'num', text: String(c.requests) }),
    flag(c.clientErrors.total, errors),
    flag(c.polling.tooFast, polling),
    flag(c.executionsUnread.count, `${c.executionsUnread.count} of ${c.executionsStarted} started`),
    flag(c.documentsBeforeSuccess, String(c.documentsBeforeSuccess)),
  );
}

async function loadReport() {
  const report = await getJson('/__flowmock/report/clients');
  $('report').replaceChildren(...report.clients.map(reportRow));
  setEmpty('report');
}

const loadAll = () => Promise.all([loadExecutions(), loadProcesses(), loadRequests(), loadReport()]);

let journalTimer = null;
function journalChanged() {
  if (journalTimer) return;
  journalTimer = setTimeout(() => {
    journalTimer = null;
    Promise.all([loadRequests(), loadReport()]).catch(onError);
  }, 300);
}

// ------------------------------------------------------------------ live updates

function handleEvent(block) {
  let event = 'message';
  let data = '';
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data += (data ? '\n' : '') + value;
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (event === 'execution') upsertExecution(payload);
  else if (event === 'process') upsertProcess(payload);
  else if (event === 'requests') journalChanged();
}

async function streamEvents(signal) {
  let first = true;
  while (!signal.aborted) {
    try {
      const res = await fetch('/__flowmock/events?timeout=300', { headers: { 'X-API-Key': apiKey ?? '', Accept: 'text/event-stream' }, signal });
      if (res.status === 401 || res.status === 403) {
        disconnect('The server refused the key; enter an administrator key.');
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      if (!first) await loadAll(); // catch up on what happened while reconnecting
      first = false;
      setLive('live', 'Live: updates arrive as Server-Sent Events.');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          handleEvent(block);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      setLive('error', `Connection lost (${err.message}); reconnecting…`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function startLive() {
  stopLive();
  const streaming = typeof ReadableStream !== 'undefined' && typeof TextDecoderStream !== 'undefined';
  if (streaming) {
    streamAbort = new AbortController();
    streamEvents(streamAbort.signal);
  } else {
    setLive('live', 'Live: refreshed every second.');
    pollTimer = setInterval(() => loadAll().catch(onError), 1000);
  }
}

function stopLive() {
  streamAbort?.abort();
  streamAbort = null;
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

// ------------------------------------------------------------------ key handling

function onError(err) {
  if (err instanceof AuthError) disconnect(`The server refused the key: ${err.message}`);
  else setLive('error', `Could not load data: ${err.message}`);
}

function disconnect(message) {
  stopLive();
  apiKey = null;
  sessionStorage.removeItem(STORAGE_KEY);
  $('forget').hidden = true;
  for (const id of ['executions', 'processes', 'requests', 'report']) {
    $(id).replaceChildren();
    setEmpty(id);
  }
  lastStatus.clear();
  $('key-status').textContent = message;
  setLive('idle', 'Not connected.');
}

async function connect(key) {
  apiKey = key;
  $('key-status').textContent = 'Connecting…';
  try {
    await loadAll();
  } catch (err) {
    if (err instanceof AuthError) {
      disconnect(`The server refused the key: ${err.message}`);
    } else {
      apiKey = null;
      $('key-status').textContent = `Could not reach the server: ${err.message}`;
    }
    return;
  }
  sessionStorage.setItem(STORAGE_KEY, key);
  $('api-key').value = '';
  $('forget').hidden = false;
  $('key-status').textContent = `Connected with the key ending in …${key.slice(-4)}.`;
  startLive();
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const key = $('api-key').value.trim();
  if (key) connect(key);
});
$('forget').addEventListener('click', () => {
  disconnect('Key forgotten.');
  $('api-key').focus();
});

for (const id of ['executions', 'processes', 'requests', 'report']) setEmpty(id);
if (apiKey) connect(apiKey);
