// The bench dashboard: renders the one view model of the bench (BenchSnapshot, as the terminal's BenchScreen does)
// from /api/v1/bench and the /api/v1/events stream, the job history and a job's detail, and — with a token — the
// station's controls. Rules (as the terminal's): a reason or a next step is never cut; rows that need a person come
// first; a wait shows the time waited of its bound, not a bar; the ETA is the model's etaSeconds.
// Safety: every string from the agent (a phone's model, a status line, a job's detail) is set with textContent or
// as an attribute value; nothing from the API is ever parsed as HTML.

const API = '/api/v1';
const TOKEN_KEY = 'lumia-agent.token';
const ERASING = new Set(['reflash', 'hard-reset', 'emergency']);
/** PortState in the model's order: the order "needs a person" rows sort by. */
const STATES = ['ATTENTION', 'FAILED', 'INTERRUPTED', 'RUNNING', 'WAITING', 'RETRYING', 'QUEUED', 'DONE', 'SKIPPED', 'LEFT_ALONE'];
const NEEDS_PERSON = new Set(['ATTENTION', 'FAILED', 'INTERRUPTED']);
const FINISHED = new Set(['DONE', 'SKIPPED', 'LEFT_ALONE']);
const STATE_WORDS = {
  ATTENTION: 'act now', FAILED: 'failed', INTERRUPTED: 'stopped — resumable', RUNNING: 'running',
  WAITING: 'waiting for the phone', RETRYING: 'retrying', QUEUED: 'queued', DONE: 'done', SKIPPED: 'skipped',
  LEFT_ALONE: 'left alone',
};
const EVENTS_SHOWN = 200;

// ---------------------------------------------------------------- small helpers

const $ = (id) => document.getElementById(id);

/** An element with a class and children (strings become text nodes, never markup). */
function el(tag, cls, ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** 42 → "0:42", 3725 → "1:02:05" (as the terminal's BenchScreen.clock). */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const r = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** Ports as people count them: 1-2 before 1-10 (as view.PortOrder). */
export function comparePorts(a, b) {
  const x = String(a).split(/[-.]/);
  const y = String(b).split(/[-.]/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const nx = /^\d+$/.test(x[i]);
    const ny = /^\d+$/.test(y[i]);
    const c = nx && ny ? Number(x[i]) - Number(y[i]) : x[i] < y[i] ? -1 : x[i] > y[i] ? 1 : 0;
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** 0: a person must act (by state, as the model sorts them); 1: working or queued; 2: finished. */
function group(p) {
  return NEEDS_PERSON.has(p.state) ? 0 : FINISHED.has(p.state) ? 2 : 1;
}

/** The tiles' order: a person's first (in the model's state order), then the working ones, finished ones last; by port within. */
export function tileOrder(ports) {
  return [...ports].sort((a, b) => group(a) - group(b)
      || (group(a) === 0 ? STATES.indexOf(a.state) - STATES.indexOf(b.state) : 0)
      || comparePorts(a.port, b.port));
}

function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString([], { hour12: false });
}

function localDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString([], { hour12: false });
}

// ---------------------------------------------------------------- token (session storage, Bearer header only)

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    return '';
  }
}

function setToken(t) {
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // storage refused (private mode): the controls stay hidden
  }
  $('token-needed').hidden = true;
  showControls();
  connect();
  render();
  refreshFleet();
}

/** Headers for an API request: the token, when one was entered (a server with a token asks it for every request). */
function authHeaders(extra = {}) {
  const h = { ...extra };
  if (token()) h.Authorization = `Bearer ${token()}`;
  return h;
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = authHeaders({ Accept: 'application/json' });
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store',
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = text;
  }
  if (!res.ok) {
    const why = data && typeof data === 'object' ? (data.error || data.message || JSON.stringify(data)) : data;
    const next = data && typeof data === 'object' && data.nextStep ? ` — ${data.nextStep}` : '';
    const err = new Error(`${why || res.statusText || res.status}${next}`);
    err.status = res.status;
    if (res.status === 401) needToken(err.message);
    throw err;
  }
  return data;
}

// ---------------------------------------------------------------- the bench

let snapshot = null;
const events = new Map(); // seq → BenchEvent
let drawPending = false;

let streamed = false;

/**
 * A snapshot from the stream is always the newest (one connection, in order; a new station's view starts its
 * versions again at 0); the first GET only fills the page until the stream's first one arrives.
 */
function accept(s, fromStream) {
  if (!s || typeof s !== 'object' || !Array.isArray(s.ports)) return;
  if (fromStream) streamed = true;
  else if (streamed) return;
  snapshot = s;
  for (const e of s.events || []) events.set(e.seq, e);
  render();
}

function acceptEvent(e) {
  if (!e || typeof e.seq !== 'number') return;
  events.set(e.seq, e);
  render();
}

/**
 * Draws at most every 100 ms, however fast the snapshots come. A timer, not requestAnimationFrame: a browser pauses
 * animation frames for a tab it thinks hidden (a wall screen's, a headless one), and the bench must still be drawn.
 */
function render() {
  if (drawPending) return;
  drawPending = true;
  setTimeout(() => {
    drawPending = false;
    draw();
  }, 100);
}

function draw() {
  if (snapshot) {
    const title = snapshot.title ? `Bench — ${snapshot.title}` : 'Bench';
    $('title').textContent = title;
    document.title = (snapshot.totals && snapshot.totals.needsPerson > 0 ? `(${snapshot.totals.needsPerson}) ` : '') + title;
    drawTotals(snapshot.totals || {});
    drawPorts(snapshot.ports || []);
  }
  drawEvents();
}

function drawTotals(t) {
  const values = {
    needsPerson: t.needsPerson, running: (t.running || 0) + (t.waiting || 0), queued: t.queued, succeeded: t.succeeded,
    failed: t.failed, skipped: t.skipped, interrupted: t.interrupted,
  };
  for (const box of document.querySelectorAll('#totals [data-total]')) {
    const k = box.dataset.total;
    const v = Number(values[k] || 0);
    box.querySelector('dd').textContent = String(v);
    box.classList.toggle('zero', v === 0);
    // interrupted is shown only when there are any (as the totals line)
    if (k === 'interrupted') box.hidden = v === 0;
  }
}

/** A person's tiles in their own band on top (bigger), then the others; finished ones last. */
function drawPorts(ports) {
  $('no-ports').hidden = ports.length > 0;
  const ordered = tileOrder(ports);
  const person = ordered.filter((p) => NEEDS_PERSON.has(p.state));
  $('person-band').hidden = person.length === 0;
  $('ports-person').replaceChildren(...person.map(tile));
  $('ports').replaceChildren(...ordered.filter((p) => !NEEDS_PERSON.has(p.state)).map(tile));
}

/** The phone in words: model and IMEI, else what identifies it (serial), else the model's phrase. */
function phoneLine(p) {
  const line = el('p', 'phone');
  if (p.model) line.append(el('span', 'model', p.model));
  if (p.imei) line.append(el('span', 'imei', `IMEI ${p.imei}`));
  else if (p.serial) line.append(el('span', 'serial', p.serial));
  if (!p.model && !p.imei) line.replaceChildren(el('span', 'model', p.phone || ''));
  return line;
}

function stepLine(p) {
  const line = el('p', 'step');
  if (p.command) line.append(el('span', 'command', p.command));
  if (p.stepIndex > 0) line.append(el('span', 'step-index', `step ${p.stepIndex} of ${p.steps}`));
  const words = p.activity ? p.activity : p.step;
  if (words) line.append(el('span', 'activity', words));
  if (p.activity && p.step) line.append(el('span', 'step-name', `(${p.step})`));
  if (p.attempt > 1) line.append(el('span', 'attempt', `attempt ${p.attempt}`));
  return line;
}

/** A bar with % and ETA for a step that moves; the time waited of its bound for a wait; nothing else. */
function moving(p) {
  const box = el('div', 'moving');
  if (p.fraction >= 0) {
    const pct = Math.round(Math.max(0, Math.min(1, p.fraction)) * 100);
    const bar = el('div', 'bar');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-label', `${p.port}: ${pct} percent`);
    const fill = el('span', 'fill');
    fill.style.width = `${pct}%`;
    bar.append(fill);
    box.append(bar, el('span', 'pct', `${pct} %`));
    if (p.etaSeconds >= 0 && p.fraction < 1) box.append(el('span', 'eta', `ETA ${clock(p.etaSeconds)}`));
  }
  if (p.waitedSeconds >= 0) {
    box.append(el('span', 'wait', `waited ${clock(p.waitedSeconds)}` + (p.boundSeconds > 0 ? ` of up to ${clock(p.boundSeconds)}` : '')));
  }
  return box.childNodes.length ? box : null;
}

function tile(p) {
  const li = el('li', `tile state-${String(p.state).toLowerCase().replace('_', '-')}`);
  li.dataset.port = p.port;
  li.dataset.state = p.state;
  if (p.jobId) li.dataset.job = p.jobId;
  const needs = NEEDS_PERSON.has(p.state);
  if (needs) li.classList.add('needs-person');

  const head = el('div', 'tile-head',
      el('span', 'port', el('span', 'visually-hidden', 'Port '), p.port),
      el('span', 'state', STATE_WORDS[p.state] || String(p.state).toLowerCase()));
  li.append(head, phoneLine(p));

  if (p.state === 'ATTENTION' && p.instructions && p.instructions.length) {
    li.append(el('p', 'act-label', 'At this phone, now:'));
    // the list numbers the steps: an instruction's own "2. " at its place is not shown twice (nothing else is taken)
    li.append(el('ol', 'instructions', ...p.instructions.map((text, n) => {
      const own = /^\s*(\d+)[.)]\s+/.exec(text);
      return el('li', null, own && Number(own[1]) === n + 1 ? text.slice(own[0].length) : text);
    })));
  }

  if (p.state === 'QUEUED') {
    li.append(el('p', 'step', 'waiting for a free worker'));
  } else if (!FINISHED.has(p.state) && p.state !== 'FAILED' && p.state !== 'INTERRUPTED') {
    li.append(stepLine(p));
    const m = moving(p);
    if (m) li.append(m);
    if (p.status) li.append(el('p', 'status', p.status));
  }

  if (FINISHED.has(p.state) || p.state === 'FAILED' || p.state === 'INTERRUPTED') {
    const text = (p.outcome && p.state !== 'DONE' ? `${p.outcome}: ` : '') + (p.summary || '');
    if (text) li.append(el('p', 'outcome', text));
    if (p.nextStep && p.state !== 'DONE') {
      li.append(el('p', 'next-step', el('strong', null, 'Next step: '), p.nextStep));
    }
  }

  const meta = el('p', 'meta');
  if (p.battery !== null && p.battery !== undefined) meta.append(el('span', p.battery < 25 ? 'battery low' : 'battery', `battery ${p.battery} %`));
  if (p.mode) meta.append(el('span', 'mode', p.mode));
  if (p.jobId) {
    const b = el('button', 'link job-link', `job ${p.jobId}`);
    b.type = 'button';
    b.addEventListener('click', () => openJob(p.jobId));
    meta.append(b);
  }
  if (meta.childNodes.length) li.append(meta);

  if (p.state === 'INTERRUPTED' && p.jobId && token()) li.append(resumeControl(p.jobId, p.command));
  return li;
}

function resumeControl(jobId, command) {
  const box = el('p', 'resume');
  const b = el('button', null, 'Resume');
  b.type = 'button';
  let consent = null;
  if (!command || ERASING.has(command)) {
    consent = el('input');
    consent.type = 'checkbox';
    consent.className = 'resume-consent';
    box.append(el('label', null, consent, ' may erase the phone'));
  }
  b.addEventListener('click', () => resume(jobId, consent ? consent.checked : false));
  box.append(b);
  return box;
}

function drawEvents() {
  const list = $('events');
  const all = [...events.values()].sort((a, b) => b.seq - a.seq).slice(0, EVENTS_SHOWN);
  for (const seq of [...events.keys()]) {
    if (all.length === EVENTS_SHOWN && seq < all[all.length - 1].seq) events.delete(seq);
  }
  list.replaceChildren(...all.map((e) => {
    const li = el('li', `event kind-${String(e.kind || 'NOTE').toLowerCase().replace('_', '-')}`);
    li.dataset.seq = String(e.seq);
    const time = el('time', 'at', localTime(e.at));
    if (e.at) time.dateTime = e.at;
    li.append(time);
    if (e.port) li.append(el('span', 'event-port', e.port));
    li.append(el('span', 'event-text', e.text || ''));
    return li;
  }));
}

// ---------------------------------------------------------------- connection: a first snapshot, then the stream
// Without a token: EventSource (it reconnects by itself, sending Last-Event-ID). With a token: EventSource cannot send
// an Authorization header (and the token is never a cookie or in a URL), so the stream is read with fetch, and
// reconnected here the same way (Last-Event-ID, growing pauses).

let source = null;
let streamAbort = null;
let lastEventId = null;

function connection(state, words) {
  const c = $('connection');
  c.className = `connection ${state}`;
  c.textContent = words;
}

function disconnect() {
  if (source) source.close();
  source = null;
  if (streamAbort) streamAbort.abort();
  streamAbort = null;
}

function connect() {
  disconnect();
  streamed = false;
  api('/bench').then((s) => accept(s, false)).catch(() => { /* said by the stream (or needToken) */ });
  connection('connecting', 'connecting…');
  if (token()) {
    streamWithToken();
    return;
  }
  if (!('EventSource' in window)) {
    connection('offline', 'no live updates in this browser');
    return;
  }
  const es = new EventSource(`${API}/events`);
  source = es;
  es.addEventListener('open', () => connection('live', 'live'));
  es.addEventListener('error', () => {
    if (es.readyState === EventSource.CLOSED) {
      // the server refused the stream (a token is needed, or it is gone): try again, as EventSource does not
      connection('offline', 'disconnected — retrying');
      setTimeout(() => { if (source === es) connect(); }, 5000);
    } else {
      connection('reconnecting', 'reconnecting…');
    }
  });
  es.addEventListener('snapshot', (m) => {
    connection('live', 'live');
    accept(parse(m.data), true);
  });
  es.addEventListener('bench-event', (m) => acceptEvent(parse(m.data)));
}

async function streamWithToken() {
  const ctrl = new AbortController();
  streamAbort = ctrl;
  let pause = 1000;
  while (!ctrl.signal.aborted) {
    try {
      const headers = authHeaders({ Accept: 'text/event-stream' });
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const res = await fetch(`${API}/events`, { headers, signal: ctrl.signal, cache: 'no-store', credentials: 'omit' });
      if (res.status === 401) {
        needToken('the token was refused');
        connection('offline', 'the token was refused');
        return;
      }
      if (!res.ok || !res.body) throw new Error(String(res.status));
      connection('live', 'live');
      pause = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf = (buf + value).replace(/\r\n?/g, '\n');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          dispatch(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
      }
    } catch (e) {
      if (ctrl.signal.aborted) return;
    }
    connection('reconnecting', 'reconnecting…');
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 10000);
  }
}

/** One server-sent event block (the fields as EventSource reads them). */
function dispatch(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') lastEventId = value;
  }
  if (event === 'snapshot') accept(parse(data.join('\n')), true);
  else if (event === 'bench-event') acceptEvent(parse(data.join('\n')));
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch (e) {
    return null;
  }
}

/** The server wants its token: say so where the token is entered. */
function needToken(why) {
  const n = $('token-needed');
  n.hidden = false;
  n.querySelector('.why').textContent = why ? ` (${why})` : '';
}

/**
 * A link to a file of the API (log, trace, diagnostics, report): a plain link without a token; with one, fetched with
 * the Bearer header and handed to the browser as a file (an <a download> cannot send a header).
 */
function apiLink(a, path, filename) {
  a.href = API + path;
  a.onclick = async (ev) => {
    if (!token()) return;
    ev.preventDefault();
    try {
      const res = await fetch(API + path, { headers: authHeaders(), credentials: 'omit', cache: 'no-store' });
      if (!res.ok) throw new Error(`${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const save = document.createElement('a');
      save.href = url;
      if (filename) save.download = filename;
      else save.target = '_blank';
      save.rel = 'noopener';
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      said(`Could not fetch ${path}: ${e.message}`);
    }
  };
}

// ---------------------------------------------------------------- history and a job's detail

let searchSeq = 0;

async function search(q) {
  const mine = ++searchSeq;
  const status = $('history-status');
  status.textContent = q ? `Searching for “${q}”…` : 'Loading the latest jobs…';
  try {
    const jobs = await api(`/jobs?${new URLSearchParams({ q: q || '', limit: '50' })}`);
    if (mine !== searchSeq) return;
    const list = Array.isArray(jobs) ? jobs : (jobs && Array.isArray(jobs.jobs) ? jobs.jobs : []);
    $('history-rows').replaceChildren(...list.map(historyRow));
    status.textContent = list.length === 0 ? (q ? `No job found for “${q}”.` : 'No job recorded yet.')
        : `${list.length} job${list.length === 1 ? '' : 's'}${q ? ` for “${q}”` : ''}, newest first.`;
  } catch (e) {
    if (mine === searchSeq) status.textContent = `Could not read the history: ${e.message}`;
  }
}

function phoneOf(r) {
  const parts = [];
  if (r.productType) parts.push(r.productType);
  if (r.imei) parts.push(`IMEI ${r.imei}`);
  else if (r.publicId) parts.push(`public ID ${r.publicId}`);
  else if (r.usbSerial) parts.push(`USB serial ${r.usbSerial}`);
  return parts.join(', ') || 'a phone that told nothing';
}

function historyRow(r) {
  const o = r.outcome || 'RUNNING';
  const kind = ['DONE', 'SKIPPED', 'RUNNING', 'INTERRUPTED'].includes(o) ? o.toLowerCase() : 'failed';
  const tr = el('tr', `outcome-${kind}`);
  tr.dataset.job = r.jobId;
  const open = el('button', 'link', r.jobId);
  open.type = 'button';
  open.addEventListener('click', () => openJob(r.jobId));
  tr.append(el('td', null, localDateTime(r.started)), el('td', null, r.port || ''), el('td', null, phoneOf(r)),
      el('td', null, r.command || ''), el('td', 'outcome', o), el('td', null, open));
  return tr;
}

/** GET /jobs/{id} answers {jobId, record, job}: the store's record, else what the job file knows. */
function recordOf(d, id) {
  if (d && d.record) return d.record;
  if (d && d.job) {
    const j = d.job;
    const who = j.identity || {};
    return {
      jobId: j.id || id, command: j.command, port: j.port, imei: who.imei, publicId: who.publicId, usbSerial: who.usbSerial,
      started: j.created || j.started, ended: j.ended, attempts: j.attempt || j.attempts, outcome: j.outcome || j.state,
      summary: j.summary, nextStep: j.nextStep, steps: (j.steps || []).map((s) => (typeof s === 'string' ? { name: s, ok: true } : s)),
      gates: [], deviceInfo: {},
    };
  }
  return d || { jobId: id };
}

function fact(dl, term, value) {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('div', null, el('dt', null, term), el('dd', null, String(value))));
}

async function openJob(id) {
  show('history');
  const box = $('job-detail');
  box.hidden = false;
  $('job-heading').textContent = `Job ${id}`;
  $('job-facts').replaceChildren();
  $('job-steps').replaceChildren();
  $('job-gates').replaceChildren();
  $('job-outcome').textContent = 'Loading…';
  $('job-next').textContent = '';
  const enc = encodeURIComponent(id);
  apiLink($('job-log'), `/jobs/${enc}/log`, null);
  apiLink($('job-trace'), `/jobs/${enc}/trace`, null);
  apiLink($('job-diag'), `/jobs/${enc}/diag`, `lumia-agent-diag-${id}.zip`);
  let r;
  let detail;
  try {
    detail = await api(`/jobs/${enc}`);
    r = recordOf(detail, id);
  } catch (e) {
    $('job-outcome').textContent = `Could not read job ${id}: ${e.message}`;
    return;
  }
  const facts = $('job-facts');
  fact(facts, 'Command', r.command);
  fact(facts, 'Phone', phoneOf(r));
  fact(facts, 'Port', r.port);
  fact(facts, 'Model', r.deviceInfo && r.deviceInfo.manufacturerModelName);
  fact(facts, 'Product code', r.productCode);
  fact(facts, 'Public ID', r.publicId);
  fact(facts, 'USB serial', r.usbSerial);
  fact(facts, 'Found in', r.startMode);
  fact(facts, 'Firmware', r.firmwareFile);
  fact(facts, 'Station', r.station);
  fact(facts, 'Operator', r.operator);
  fact(facts, 'Started', localDateTime(r.started));
  fact(facts, 'Ended', localDateTime(r.ended));
  fact(facts, 'Attempts', r.attempts);
  $('job-outcome').replaceChildren(el('strong', null, r.outcome || 'running'), r.summary ? ` — ${r.summary}` : '');
  $('job-next').replaceChildren(...(r.nextStep && r.outcome !== 'DONE' ? [el('strong', null, 'Next step: '), r.nextStep] : []));
  $('job-steps').replaceChildren(...(r.steps || []).map((s) => el('tr', s.ok ? 'ok' : 'not-ok',
      el('td', null, s.attempt), el('td', null, s.name), el('td', 'result', s.ok ? 'ok' : 'failed'), el('td', 'detail', s.detail || ''),
      el('td', null, localTime(s.at)))));
  $('job-gates').replaceChildren(...(r.gates || []).map((g) => el('tr', g.blocks ? 'not-ok' : 'ok',
      el('td', null, g.attempt), el('td', null, g.gate), el('td', 'result', g.verdict + (g.blocks ? ' (blocks)' : '')),
      el('td', 'detail', g.detail || ''))));
  showCertificate(id, detail.certificate);
  const resumable = r.outcome === 'INTERRUPTED' && token();
  $('job-resume-line').hidden = !resumable;
  $('job-resume').onclick = () => resume(r.jobId, $('job-resume-consent').checked);
  box.scrollIntoView({ block: 'start' });
}

// An erasing job's certificate: links to its PDF and JSON when issued; the reason when refused.
function showCertificate(id, c) {
  const line = $('job-certificate');
  line.hidden = !c;
  if (!c) return;
  const issued = c.status === 'ISSUED';
  $('job-certificate-status').textContent = issued
    ? `Certificate issued (SHA-256 ${c.jsonSha256.slice(0, 16)}…): `
    : `No certificate: ${c.reason.replace(/^no certificate:\s*/i, '')}`;
  $('job-certificate-pdf').hidden = !issued;
  $('job-certificate-json').hidden = !issued;
  if (issued) {
    const enc = encodeURIComponent(id);
    apiLink($('job-certificate-pdf'), `/jobs/${enc}/certificate`, `${id}.pdf`);
    apiLink($('job-certificate-json'), `/jobs/${enc}/certificate?format=json`, `${id}.json`);
  }
}

// ---------------------------------------------------------------- controls (with a token only)

function showControls() {
  const has = Boolean(token());
  $('controls').hidden = !has;
  $('token-forget').hidden = !has;
  document.body.classList.toggle('with-token', has);
  if (has) refreshStation();
}

async function refreshStation() {
  try {
    const s = await api('/station', {});
    $('station-state').textContent = stationWords(s);
  } catch (e) {
    $('station-state').textContent = `Station: ${e.message}`;
  }
}

function stationWords(s) {
  if (!s || typeof s !== 'object') return 'Station: no answer';
  const on = s.bus ? ` on ${s.bus}` : '';
  if (s.running) return `Station running ${s.command || ''}${on}` + (s.started ? ` since ${localDateTime(s.started)}` : '') + '.';
  return `Station idle${on}: no station job runs.` + (s.controls === false ? ' Controls are off on this server.' : '');
}

function said(text) {
  $('control-result').textContent = text;
}

async function start(ev) {
  ev.preventDefault();
  const command = $('start-command').value;
  const consent = $('start-consent').checked;
  if (ERASING.has(command) && !consent) {
    said(`${command} erases every phone plugged in: tick the consent box first.`);
    return;
  }
  const params = {};
  for (const word of $('start-params').value.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      said(`"${word}" is not name=value (e.g. method=keys, firmwareDir=/srv/ffu)`);
      return;
    }
    (params[word.slice(0, eq)] ||= []).push(word.slice(eq + 1));
  }
  try {
    await api('/station/start', { method: 'POST', body: { command, params, consent: ERASING.has(command) ? consent : false } });
    said(`Station started: ${command}.`);
    $('start-consent').checked = false;
    updateConsent();
  } catch (e) {
    said(`Could not start: ${e.message}`);
  }
  refreshStation();
}

async function stop() {
  try {
    await api('/station/stop', { method: 'POST', body: {} });
    said('Station stopping: running jobs stop at their next checkpoint.');
  } catch (e) {
    said(`Could not stop: ${e.message}`);
  }
  refreshStation();
}

async function resume(jobId, consent) {
  try {
    await api(`/jobs/${encodeURIComponent(jobId)}/resume`, { method: 'POST', body: { consent: Boolean(consent) } });
    said(`Resuming job ${jobId}.`);
  } catch (e) {
    said(`Could not resume job ${jobId}: ${e.message}`);
    show('controls');
  }
}

function updateConsent() {
  const erasing = ERASING.has($('start-command').value);
  $('consent-line').hidden = !erasing;
  $('start').disabled = erasing && !$('start-consent').checked;
}

// ---------------------------------------------------------------- the fleet (serve --fleet FILE)

const FLEET_EVERY_MS = 2000;
const FLEET_STATE_WORDS = { live: 'live', stale: 'stale — gone, showing its last data', unreachable: 'unreachable', waiting: 'asking…' };
const FLEET_TOTALS = [
  ['needsPerson', 'Needs a person', 't-person'], ['running', 'Running', 't-running'], ['queued', 'Queued', 't-queued'],
  ['succeeded', 'Succeeded', 't-done'], ['failed', 'Failed', 't-failed'],
];

let fleetTimer = null;
let fleetRun = 0; // the latest refresh: an older one that answers late schedules nothing

/**
 * Polls GET /api/v1/fleet every 2 s while this dashboard has a fleet (an empty list the first time: no Fleet tab).
 * A 401 or 429 stops it until a token is entered (each wrong request counts against this computer).
 */
async function refreshFleet() {
  clearTimeout(fleetTimer);
  fleetTimer = null;
  const run = ++fleetRun;
  let f;
  try {
    f = await api('/fleet');
  } catch (e) {
    if (run !== fleetRun) return;
    $('fleet-status').textContent = `Could not read the fleet: ${e.message}`;
    if (e.status !== 401 && e.status !== 429) fleetTimer = setTimeout(refreshFleet, FLEET_EVERY_MS);
    return;
  }
  if (run !== fleetRun) return;
  const stations = f && Array.isArray(f.stations) ? f.stations : [];
  if (stations.length === 0) {
    $('fleet-tab').hidden = true;
    return; // a fleet is given at start: none now is none for this server
  }
  $('fleet-tab').hidden = false;
  drawFleet(stations);
  fleetTimer = setTimeout(refreshFleet, FLEET_EVERY_MS);
}

export function fleetSummary(stations) {
  const live = stations.filter((s) => s.state === 'live').length;
  const person = stations.reduce((n, s) => n + (s.totals && s.totals.needsPerson ? Number(s.totals.needsPerson) : 0), 0);
  return `${live} of ${stations.length} station${stations.length === 1 ? '' : 's'} live`
      + (person > 0 ? ` · ${person} need${person === 1 ? 's' : ''} a person` : '');
}

function drawFleet(stations) {
  $('fleet-status').textContent = `${fleetSummary(stations)} · updated ${new Date().toLocaleTimeString()}`;
  $('fleet-cards').replaceChildren(...stations.map(fleetCard));
}

function fleetCard(s) {
  const state = FLEET_STATE_WORDS[s.state] ? s.state : 'unreachable';
  const li = el('li', `fleet-card fleet-${state}`);
  li.dataset.station = s.name;
  li.dataset.state = state;
  const name = /^https?:\/\//i.test(String(s.url || '')) ? el('a', null, s.name) : el('span', null, s.name);
  if (name.tagName === 'A') {
    name.href = s.url;
    name.rel = 'noopener noreferrer';
    name.target = '_blank';
  }
  li.append(el('div', 'fleet-head', el('h3', 'fleet-name', name), el('span', 'fleet-state', FLEET_STATE_WORDS[state])));
  const seen = s.lastSeen ? `last seen ${localTime(s.lastSeen)}` : 'never seen';
  li.append(el('p', 'fleet-meta', s.title ? `${s.title} · ${seen}` : seen));
  if (s.error) li.append(el('p', 'fleet-error', s.error));
  if (s.totals) {
    const dl = el('dl', 'totals fleet-totals');
    for (const [k, words, cls] of FLEET_TOTALS) {
      const v = Number(k === 'running' ? (s.totals.running || 0) + (s.totals.waiting || 0) : s.totals[k] || 0);
      const box = el('div', `total ${cls}${v === 0 ? ' zero' : ''}`, el('dt', null, words), el('dd', null, String(v)));
      box.dataset.total = k;
      dl.append(box);
    }
    li.append(dl);
  }
  const rows = Array.isArray(s.needsPerson) ? s.needsPerson : [];
  if (rows.length) {
    li.append(el('h4', 'band-heading', 'Needs a person'));
    li.append(el('ol', 'fleet-person', ...rows.map(fleetRow)));
  }
  return li;
}

/** A row that needs a person: port, phone, and the instructions or the outcome and next step, whole. */
function fleetRow(p) {
  const li = el('li', `fleet-row state-${String(p.state).toLowerCase().replace('_', '-')}`);
  li.dataset.port = p.port;
  li.append(el('p', 'fleet-row-head', el('strong', 'port-small', `Port ${p.port}`), ' ',
      el('span', 'state', STATE_WORDS[p.state] || p.stateWords || ''), ' ', el('span', 'phone-small', p.phone || '')));
  if (p.state === 'ATTENTION' && Array.isArray(p.instructions) && p.instructions.length) {
    li.append(el('ol', 'instructions', ...p.instructions.map((text) => el('li', null, text))));
  } else {
    const text = (p.outcome ? `${p.outcome}: ` : '') + (p.summary || '');
    if (text) li.append(el('p', 'outcome', text));
  }
  if (p.nextStep && p.state !== 'ATTENTION') li.append(el('p', 'next-step', el('strong', null, 'Next step: '), p.nextStep));
  return li;
}

// ---------------------------------------------------------------- views

const VIEWS = ['bench', 'history', 'controls', 'fleet'];

function show(name) {
  const v = VIEWS.includes(name) ? name : 'bench';
  for (const n of VIEWS) $(`view-${n}`).hidden = n !== v;
  for (const a of document.querySelectorAll('nav.views [data-view]')) {
    if (a.dataset.view === v) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (location.hash !== `#${v}`) history.replaceState(null, '', `#${v}`);
  if (v === 'history' && !$('history-rows').hasChildNodes()) search($('history-q').value.trim());
}

/** The start line offers URL#token=TOKEN: the token is taken into this tab's session storage and the hash cleared. */
function tokenFromHash() {
  const m = /^#token=(.+)$/.exec(location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
  } catch (e) {
    // storage refused: the token must be entered under Controls
  }
  history.replaceState(null, '', `${location.pathname}${location.search}#bench`);
}

function init() {
  tokenFromHash();
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  $('history-search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    $('job-detail').hidden = true;
    search($('history-q').value.trim());
  });
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token').value.trim();
    $('token').value = '';
    setToken(t);
    said(t ? 'Token kept for this tab.' : '');
  });
  $('token-forget').addEventListener('click', () => {
    setToken('');
    said('Token forgotten.');
  });
  $('start-form').addEventListener('submit', start);
  $('start-command').addEventListener('change', updateConsent);
  $('start-consent').addEventListener('change', updateConsent);
  $('stop').addEventListener('click', stop);
  apiLink($('report-csv'), '/report?since=24h&format=csv', 'lumia-agent-report-24h.csv');
  updateConsent();
  showControls();
  show(location.hash.slice(1));
  connect();
  refreshFleet();
}

init();
