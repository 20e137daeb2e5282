// The decoder page: packet list (virtual scrolling), detail tree, hex pane with buffer tabs,
// filter box, key log, expert panel and a "paste hex" decoder. All decoding happens in
// worker.js; the page only draws. The URL hash carries the filter and the selected frame, and
// the opened file (with its key log) is kept in IndexedDB so a reload restores the view.

const ROW = 20;
const PAGE = 200;
const $ = (id) => document.getElementById(id);

// ---- worker RPC ----
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const pending = new Map();
worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'progress') return onProgress(m);
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  m.ok ? p.resolve(m.value) : p.reject(new Error(m.error));
};
function rpc(op, args, transfer) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args }, transfer || []);
  });
}

// ---- state ----
const state = {
  fileName: null,
  keylog: '',
  keylogName: '',
  filter: '',
  token: 0,
  shown: 0,
  done: false,
  cache: new Map(), // page index -> rows
  loading: new Set(),
  selected: null, // frame number
  wantFrame: null, // frame to select once indexed (from the URL)
  packet: null,
  buf: 0,
  selectedNode: null,
};
window.dissectState = state; // for tests and the console

// ---- storage (IndexedDB) ----
function db() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open('dissect-web', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('files');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function store(key, value) {
  try {
    const d = await db();
    await new Promise((res, rej) => {
      const t = d.transaction('files', 'readwrite');
      t.objectStore('files').put(value, key);
      t.oncomplete = res;
      t.onerror = () => rej(t.error);
    });
  } catch (e) {
    setStatus(`Could not keep the file for reloads: ${e.message || e}`);
  }
}
async function load(key) {
  try {
    const d = await db();
    return await new Promise((res, rej) => {
      const r = d.transaction('files').objectStore('files').get(key);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  } catch {
    return undefined;
  }
}

// ---- URL ----
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  return { filter: h.get('filter') || '', frame: h.get('frame') ? Number(h.get('frame')) : null };
}
function writeHash() {
  const h = new URLSearchParams();
  if (state.filter) h.set('filter', state.filter);
  if (state.selected) h.set('frame', String(state.selected));
  const s = h.toString();
  history.replaceState(null, '', s ? `#${s}` : location.pathname + location.search);
}

// ---- status ----
function setStatus(t) {
  $('status').textContent = t;
}
function onProgress(p) {
  if (p.token !== state.token) return;
  state.shown = p.shown;
  state.done = p.done;
  const bar = $('progress');
  bar.hidden = p.done;
  bar.value = p.total ? p.offset / p.total : 1;
  const shown = state.filter ? `, ${p.shown} shown` : '';
  let s = `${state.fileName}: ${p.frames} frames${shown}${p.done ? '' : ' (reading…)'}`;
  if (p.error) s += ` — stopped: ${p.error}`;
  if (p.warnings && p.warnings.length) s += ` — ${p.warnings.length} warnings`;
  setStatus(s);
  // Rows only grow during a pass: drop the last (partial) cached page and redraw.
  const last = Math.floor(Math.max(p.shown - 1, 0) / PAGE);
  state.cache.delete(last);
  state.cache.delete(last - 1);
  $('spacer').style.height = `${p.shown * ROW}px`;
  drawRows();
  if (p.done) {
    refreshExperts();
    if (state.wantFrame) {
      const n = state.wantFrame;
      state.wantFrame = null;
      selectFrame(n, true);
    }
    document.body.dataset.ready = 'true';
  }
}

// ---- opening ----
async function openBytes(name, bytes, keylog, keep) {
  state.fileName = name;
  state.selected = null;
  state.packet = null;
  document.body.dataset.ready = 'false';
  resetList();
  clearDetail();
  setStatus(`${name}: opening…`);
  if (keep) await store('current', { name, bytes: bytes.slice(0), keylog, keylogName: state.keylogName });
  try {
    const { token } = await rpc('open', { bytes, keylog, filter: state.filter }, [bytes]);
    state.token = token;
  } catch (e) {
    setStatus(`${name}: ${e.message}`);
  }
}
async function openFile(file) {
  const bytes = await file.arrayBuffer();
  await openBytes(file.name, bytes, state.keylog, true);
  writeHash();
}
function resetList() {
  state.cache.clear();
  state.loading.clear();
  state.shown = 0;
  $('spacer').style.height = '0px';
  $('rows').replaceChildren();
  $('viewport').scrollTop = 0;
}

// ---- packet list (virtual scrolling) ----
async function page(i) {
  if (state.cache.has(i) || state.loading.has(i)) return;
  state.loading.add(i);
  const token = state.token;
  try {
    const rows = await rpc('rows', { offset: i * PAGE, limit: PAGE });
    if (token === state.token) state.cache.set(i, rows);
  } finally {
    state.loading.delete(i);
  }
  drawRows();
}
function drawRows() {
  const vp = $('viewport');
  const first = Math.floor(vp.scrollTop / ROW);
  const count = Math.ceil(vp.clientHeight / ROW) + 2;
  const last = Math.min(first + count, state.shown);
  const out = [];
  for (let i = first; i < last; i++) {
    const pg = state.cache.get(Math.floor(i / PAGE));
    if (!pg) {
      page(Math.floor(i / PAGE));
      continue;
    }
    const r = pg[i % PAGE];
    if (!r) continue;
    const div = document.createElement('div');
    div.className = 'row' + (r.sev ? ` sev-${r.sev}` : '') + (r.n === state.selected ? ' selected' : '');
    div.style.position = 'absolute';
    div.style.top = `${i * ROW}px`;
    div.style.left = '0';
    div.style.right = '0';
    div.dataset.frame = r.n;
    for (const v of [r.n, r.t, r.src, r.dst, r.proto, r.len, r.info]) {
      const s = document.createElement('span');
      s.textContent = v;
      div.appendChild(s);
    }
    out.push(div);
  }
  $('rows').replaceChildren(...out);
}
$('viewport').addEventListener('scroll', drawRows);
window.addEventListener('resize', drawRows);
$('rows').addEventListener('click', (e) => {
  const row = e.target.closest('.row');
  if (row) selectFrame(Number(row.dataset.frame), false);
});
$('viewport').addEventListener('keydown', async (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  const pos = state.selected ? await rpc('position', { number: state.selected }) : -1;
  const next = Math.max(0, Math.min(state.shown - 1, pos + (e.key === 'ArrowDown' ? 1 : -1)));
  const pg = state.cache.get(Math.floor(next / PAGE)) || (await rpc('rows', { offset: next, limit: 1 }));
  const r = state.cache.has(Math.floor(next / PAGE)) ? pg[next % PAGE] : pg[0];
  if (r) selectFrame(r.n, true);
});

// ---- selecting a frame ----
async function selectFrame(n, scroll) {
  state.selected = n;
  writeHash();
  drawRows();
  if (scroll) {
    const pos = await rpc('position', { number: n });
    if (pos >= 0) {
      const vp = $('viewport');
      const top = pos * ROW;
      if (top < vp.scrollTop || top > vp.scrollTop + vp.clientHeight - ROW) vp.scrollTop = top - vp.clientHeight / 2;
    }
  }
  try {
    showPacket(await rpc('frame', { number: n }));
  } catch (e) {
    clearDetail();
    $('tree').textContent = e.message;
  }
}
function clearDetail() {
  state.packet = null;
  state.selectedNode = null;
  $('tree').replaceChildren();
  $('tabs').replaceChildren();
  $('hex').replaceChildren();
}

// ---- detail tree ----
function showPacket(p) {
  state.packet = p;
  state.selectedNode = null;
  state.buf = 0;
  const ul = document.createElement('ul');
  for (const n of p.tree) ul.appendChild(treeItem(n, true));
  if (p.experts.length) {
    const li = document.createElement('li');
    li.className = 'expert';
    li.innerHTML = '<span class="twisty">▸</span>';
    const lab = document.createElement('span');
    lab.className = 'label';
    lab.textContent = `[Expert Info: ${p.experts.length}]`;
    li.appendChild(lab);
    const sub = document.createElement('ul');
    for (const x of p.experts) {
      const c = document.createElement('li');
      c.className = 'expert';
      const l = document.createElement('span');
      l.className = 'label';
      l.textContent = `[${x.severity}/${x.group}] ${x.protocol}: ${x.message}`;
      c.node = { b: x.b, s: x.s, e: x.e };
      c.appendChild(l);
      sub.appendChild(c);
    }
    li.classList.add('collapsed');
    li.appendChild(sub);
    ul.appendChild(li);
  }
  $('tree').replaceChildren(ul);
  drawTabs();
  drawHex();
}
function treeItem(n, top) {
  const li = document.createElement('li');
  li.node = n;
  li.dataset.field = n.f;
  const tw = document.createElement('span');
  tw.className = 'twisty';
  tw.textContent = n.c ? '▸' : '';
  li.appendChild(tw);
  const lab = document.createElement('span');
  lab.className = 'label';
  lab.textContent = n.l;
  lab.title = n.f + (n.v !== null && n.v !== undefined ? ` == ${n.v}` : '');
  li.appendChild(lab);
  if (n.c) {
    li.classList.add('collapsed');
    const ul = document.createElement('ul');
    for (const c of n.c) ul.appendChild(treeItem(c, false));
    li.appendChild(ul);
  }
  return li;
}
$('tree').addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (!li) return;
  if (e.target.classList.contains('twisty')) {
    li.classList.toggle('collapsed');
    e.target.textContent = li.classList.contains('collapsed') ? '▸' : '▾';
    return;
  }
  if (e.target.classList.contains('label')) selectItem(li);
});
$('tree').addEventListener('dblclick', (e) => {
  const li = e.target.closest('li');
  if (li && li.querySelector(':scope > ul')) {
    li.classList.toggle('collapsed');
    const tw = li.querySelector(':scope > .twisty');
    if (tw) tw.textContent = li.classList.contains('collapsed') ? '▸' : '▾';
  }
});
function selectItem(li) {
  for (const s of $('tree').querySelectorAll('.label.selected')) s.classList.remove('selected');
  const lab = li.querySelector(':scope > .label');
  lab.classList.add('selected');
  state.selectedNode = li;
  // Open the ancestors so the item shows.
  for (let p = li.parentElement.closest('li'); p; p = p.parentElement.closest('li')) {
    p.classList.remove('collapsed');
    const tw = p.querySelector(':scope > .twisty');
    if (tw) tw.textContent = '▾';
  }
  lab.scrollIntoView({ block: 'nearest' });
  const n = li.node;
  if (n && n.b !== state.buf && state.packet && n.b < state.packet.buffers.length) {
    state.buf = n.b;
    drawTabs();
    drawHex();
  } else {
    highlight();
  }
}

// ---- hex pane ----
function drawTabs() {
  const tabs = $('tabs');
  tabs.replaceChildren();
  if (!state.packet) return;
  state.packet.buffers.forEach((b, i) => {
    const t = document.createElement('button');
    t.type = 'button';
    t.textContent = `${b.name} (${b.hex.length / 2})`;
    t.className = i === state.buf ? 'active' : '';
    t.onclick = () => {
      state.buf = i;
      drawTabs();
      drawHex();
    };
    tabs.appendChild(t);
  });
}
function drawHex() {
  const pre = $('hex');
  pre.replaceChildren();
  if (!state.packet) return;
  const hex = state.packet.buffers[state.buf].hex;
  const n = hex.length / 2;
  const frag = document.createDocumentFragment();
  for (let off = 0; off < n; off += 16) {
    frag.appendChild(document.createTextNode(off.toString(16).padStart(4, '0') + '  '));
    let ascii = [];
    for (let i = off; i < off + 16; i++) {
      if (i < n) {
        const s = document.createElement('span');
        s.className = 'b x';
        s.dataset.i = i;
        s.textContent = hex.substr(i * 2, 2);
        frag.appendChild(s);
        const v = parseInt(hex.substr(i * 2, 2), 16);
        const a = document.createElement('span');
        a.className = 'b a';
        a.dataset.i = i;
        a.textContent = v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '.';
        ascii.push(a);
      } else {
        frag.appendChild(document.createTextNode('  '));
      }
      frag.appendChild(document.createTextNode(i === off + 7 ? '  ' : ' '));
    }
    frag.appendChild(document.createTextNode(' '));
    for (const a of ascii) frag.appendChild(a);
    frag.appendChild(document.createTextNode('\n'));
  }
  pre.appendChild(frag);
  highlight();
}
function highlight() {
  for (const s of $('hex').querySelectorAll('.hl')) s.classList.remove('hl');
  const n = state.selectedNode && state.selectedNode.node;
  if (!n || n.b !== state.buf || n.e <= n.s) return;
  let firstEl = null;
  for (const s of $('hex').querySelectorAll('.b')) {
    const i = Number(s.dataset.i);
    if (i >= n.s && i < n.e) {
      s.classList.add('hl');
      firstEl = firstEl || s;
    }
  }
  if (firstEl) firstEl.scrollIntoView({ block: 'nearest' });
}
// Clicking a byte selects the most specific field that covers it.
$('hex').addEventListener('click', (e) => {
  const b = e.target.closest('.b');
  if (!b || !state.packet) return;
  const i = Number(b.dataset.i);
  let best = null;
  let bestLen = Infinity;
  for (const li of $('tree').querySelectorAll('li')) {
    const n = li.node;
    if (!n || n.b !== state.buf || !(n.s <= i && i < n.e)) continue;
    const len = n.e - n.s;
    // Later (deeper) items win ties.
    if (len <= bestLen) {
      best = li;
      bestLen = len;
    }
  }
  if (best) selectItem(best);
});

// ---- filter ----
let checkTimer = null;
$('filter').addEventListener('input', () => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(checkFilter, 120);
});
async function checkFilter() {
  const f = $('filter').value;
  const err = await rpc('check', { filter: f });
  if ($('filter').value !== f) return;
  $('filter').classList.toggle('valid', !err && f.trim() !== '');
  $('filter').classList.toggle('invalid', !!err);
  $('filter-error').textContent = err;
  return err;
}
$('filter-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const err = await checkFilter();
  if (err) return;
  state.filter = $('filter').value.trim();
  writeHash();
  if (!state.fileName) return;
  resetList();
  document.body.dataset.ready = 'false';
  try {
    const { token } = await rpc('filter', { filter: state.filter });
    state.token = token;
    if (state.selected) state.wantFrame = state.selected;
  } catch (e2) {
    $('filter-error').textContent = e2.message;
  }
});

// ---- experts ----
async function refreshExperts() {
  const ex = await rpc('experts');
  const box = $('expert-list');
  if (!ex.length) {
    box.textContent = 'none';
    box.className = 'muted';
    return;
  }
  box.className = '';
  const t = document.createElement('table');
  for (const x of ex) {
    const tr = document.createElement('tr');
    for (const v of [x.severity, x.group, x.protocol, x.message, `×${x.count}`]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    const td = document.createElement('td');
    const a = document.createElement('a');
    a.textContent = `first: ${x.first}`;
    a.onclick = () => selectFrame(x.first, true);
    td.appendChild(a);
    tr.appendChild(td);
    t.appendChild(tr);
  }
  box.replaceChildren(t);
}

// ---- key log ----
$('keylog').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  state.keylog = await f.text();
  state.keylogName = f.name;
  $('keylog-name').textContent = f.name;
  const cur = await load('current');
  if (cur) {
    cur.keylog = state.keylog;
    cur.keylogName = f.name;
    await store('current', cur);
    await openBytes(cur.name, cur.bytes, state.keylog, false);
  }
});

// ---- file picker and drag and drop ----
$('file').addEventListener('change', (e) => e.target.files[0] && openFile(e.target.files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('dragover');
});
drop.addEventListener('dragleave', () => drop.classList.remove('dragover'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('dragover');
  const f = e.dataTransfer.files[0];
  if (f) openFile(f);
});

// ---- paste hex ----
$('paste-open').addEventListener('click', async () => {
  const sel = $('paste-proto');
  if (!sel.options.length) {
    for (const p of await rpc('protocols')) sel.add(new Option(p, p));
  }
  $('paste-error').textContent = '';
  $('paste').showModal();
});
$('paste-go').addEventListener('click', async (e) => {
  e.preventDefault();
  try {
    const p = await rpc('decode', { protocol: $('paste-proto').value, hex: $('paste-hex').value });
    $('paste').close();
    state.selected = null;
    drawRows();
    showPacket(p);
    setStatus(`Decoded ${p.buffers[0].hex.length / 2} bytes as ${$('paste-proto').value}`);
  } catch (err) {
    $('paste-error').textContent = err.message;
  }
});

// ---- start: restore the view ----
(async () => {
  const h = readHash();
  state.filter = h.filter;
  $('filter').value = h.filter;
  if (h.filter) checkFilter();
  const cur = await load('current');
  if (cur && cur.bytes) {
    state.keylog = cur.keylog || '';
    state.keylogName = cur.keylogName || '';
    $('keylog-name').textContent = state.keylogName;
    state.wantFrame = h.frame;
    await openBytes(cur.name, cur.bytes, state.keylog, false);
  } else {
    document.body.dataset.ready = 'true';
  }
})();
