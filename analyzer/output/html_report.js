// kdiag HTML report (analyzer/output/html_report.h): builds the page from the data block
// #kdiag-data. Every text from a log goes onto the page through textContent, title or
// option.text, never as HTML. Embedded in the page and allowed by its SHA-256 in the page's
// Content-Security-Policy: any change here changes the hash at build time.
'use strict';
// The data: JSON, gzip-compressed, base64-encoded (analyzer/output/gzip_base64.h).
async function kdiagData() {
  const text = atob(document.getElementById('kdiag-data').textContent);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const json = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(json).text());
}
const started = performance.now();
kdiagData().then((data) => {
  const findings = data.findings;
  const rules = data.rules;
  const severityRank = {};
  data.severities.forEach((s, i) => { severityRank[s] = i; });

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function severityOf(f) { return f.severity || rules[f.rule].severity; }
  function seconds(t) { return t === null ? '' : t.toFixed(6) + ' s'; }
  function when(f) {
    if (f.first === null) return '';
    return f.count > 1 && f.last !== null && f.last !== f.first
      ? f.first.toFixed(3) + '..' + f.last.toFixed(3) + ' s' : seconds(f.first);
  }
  function where(f, line) { return data.inputs[f.input] + ':' + line; }

  // Overview: counts by severity, then what was read.
  const header = el('header');
  header.appendChild(el('h1', null, 'kdiag report'));
  const bySeverity = {};
  for (const f of findings) bySeverity[severityOf(f)] = (bySeverity[severityOf(f)] || 0) + 1;
  const s = data.summary;
  // Info-level facts are not counted as findings (they are listed, and counted apart).
  const counts = data.severities.filter((v) => v !== 'info' && bySeverity[v])
    .map((v) => bySeverity[v] + ' ' + v);
  let overview = plural(s.problems, 'finding') + (counts.length ? ' (' + counts.join(', ') + ')' : '') +
    ' from ' + plural(s.events, 'event') + ' in ' + plural(s.records, 'record') + ', ' +
    plural(s.boots, 'boot') + ', ' + plural(s.inputs, 'input') + ' (' + s.bytes + ' bytes)';
  if (s.facts) overview += '; ' + plural(s.facts, 'info fact') + ' (not counted as findings)';
  if (s.findings_dropped) overview += '; ' + s.findings_dropped + ' further findings not kept';
  if (s.errors) overview += '; ' + plural(s.errors, 'input') + ' could not be read';
  header.appendChild(el('p', null, overview + '. kdiag ' + data.version));
  header.lastChild.id = 'overview';
  document.body.appendChild(header);

  // Filters: severity, rule, device.
  const nav = el('nav');
  const severityBoxes = {};
  for (const v of data.severities) {
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.dataset.severity = v;
    severityBoxes[v] = box;
    label.appendChild(box);
    label.appendChild(el('span', 'sev ' + v, v));
    label.appendChild(document.createTextNode(' ' + (bySeverity[v] || 0)));
    nav.appendChild(label);
  }
  function selector(id, all, values) {
    const select = el('select');
    select.id = id;
    select.appendChild(new Option(all, ''));
    for (const [value, n] of values) select.appendChild(new Option(value + ' (' + n + ')', value));
    nav.appendChild(select);
    return select;
  }
  function tally(key) {
    const m = new Map();
    for (const f of findings) { const k = key(f); if (k !== '') m.set(k, (m.get(k) || 0) + 1); }
    return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }
  const ruleSelect = selector('rule', 'All rules', tally((f) => rules[f.rule].id));
  const deviceSelect = selector('device', 'All devices', tally((f) => f.device));
  const shown = el('span');
  shown.id = 'shown';
  nav.appendChild(shown);
  document.body.appendChild(nav);

  // A section per input and boot: a timeline, then the table of its findings.
  const main = el('main');
  document.body.appendChild(main);
  const groups = new Map();
  findings.forEach((f, i) => {
    const key = f.input + '/' + f.boot;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(i);
  });
  // A table row is made when it is first shown, and a table shows its findings a page at a time:
  // 10,000 rows cost Chromium seconds of style and layout, the timeline's marks little.
  const PAGE = 250;
  const rows = new Array(findings.length);
  const marks = new Array(findings.length);
  const sections = [];
  for (const members of groups.values()) sections.push(bootSection(members));
  if (!findings.length) main.appendChild(el('p', 'empty', 'No problems found.'));

  function bootSection(members) {
    const first = findings[members[0]];
    const section = el('section', 'boot');
    section.appendChild(el('h2', null, data.inputs[first.input] + ', boot ' + first.boot));
    const sub = el('div', 'sub');
    section.appendChild(sub);
    // The kernel clock when the findings have times; otherwise their lines in the input.
    const timed = members.filter((i) => findings[i].first !== null);
    const byTime = timed.length > 0;
    const at = byTime ? (f) => f.first : (f) => f.line;
    const until = byTime ? (f) => (f.last === null ? f.first : f.last) : (f) => Math.max(f.line, f.last_line);
    const placed = byTime ? timed : members;
    let lo = Infinity, hi = -Infinity;
    for (const i of placed) { lo = Math.min(lo, at(findings[i])); hi = Math.max(hi, until(findings[i])); }
    const range = hi > lo ? hi - lo : 1;
    const pos = (v) => (100 * (v - lo) / range).toFixed(3) + '%';
    const track = el('div', 'track');
    for (const i of placed) {
      const f = findings[i];
      const sev = severityOf(f);
      if (until(f) > at(f)) {
        const span = el('div', 'span ' + sev);
        span.style.left = pos(at(f));
        span.style.width = (100 * (until(f) - at(f)) / range).toFixed(3) + '%';
        track.appendChild(span);
        marks[i] = [span];
      } else {
        marks[i] = [];
      }
      const mark = el('button', 'mark ' + sev);
      mark.type = 'button';
      mark.style.left = pos(at(f));
      mark.title = sev + ' ' + rules[f.rule].id + (f.device ? ' ' + f.device : '') + ' ' + when(f);
      mark.dataset.index = i;
      track.appendChild(mark);
      marks[i].push(mark);
    }
    section.appendChild(track);
    const axis = el('div', 'axis');
    const unit = byTime ? ' s' : '';
    const label = byTime ? (v) => v.toFixed(v >= 100 ? 0 : 3) + unit : (v) => 'line ' + Math.round(v);
    for (const q of [0, 0.25, 0.5, 0.75, 1]) {
      const tick = el('span', null, label(lo + q * (hi > lo ? hi - lo : 0)));
      tick.style.left = (100 * q) + '%';
      axis.appendChild(tick);
    }
    section.appendChild(axis);
    const untimed = members.length - timed.length;
    sub.textContent = plural(members.length, 'finding') + (byTime
      ? ', on the kernel clock' + (untimed ? ' (' + untimed + ' without a time are listed only)' : '')
      : ', placed by line: no kernel times');

    const table = el('table');
    const colgroup = el('colgroup');
    for (const c of ['sev', 'rule', 'dev', 'count', 'time', 'summary']) colgroup.appendChild(el('col', c));
    table.appendChild(colgroup);
    const head = el('tr');
    for (const h of ['Severity', 'Rule', 'Device', 'Count', 'Kernel time', 'Summary']) head.appendChild(el('th', null, h));
    table.appendChild(el('thead')).appendChild(head);
    const body = el('tbody');
    table.appendChild(body);
    section.appendChild(table);
    const more = el('button', 'more');
    more.type = 'button';
    section.appendChild(more);
    main.appendChild(section);
    const g = { section, members, sub, body, more, visible: members, rendered: 0 };
    more.addEventListener('click', () => showMore(g));
    return g;
  }

  function row(i) {
    if (rows[i]) return rows[i];
    const f = findings[i];
    const tr = el('tr', 'finding');
    tr.dataset.index = i;
    const sevCell = el('td');
    sevCell.appendChild(el('span', 'sev ' + severityOf(f), severityOf(f)));
    tr.appendChild(sevCell);
    tr.appendChild(el('td', null, rules[f.rule].id)).title = rules[f.rule].id;
    tr.appendChild(el('td', null, f.device)).title = f.device;
    tr.appendChild(el('td', null, 'x' + f.count));
    tr.appendChild(el('td', null, when(f)));
    tr.appendChild(el('td', null, f.summary)).title = f.summary;
    rows[i] = tr;
    return tr;
  }

  function showMore(g) {
    const end = Math.min(g.visible.length, g.rendered + PAGE);
    const page = document.createDocumentFragment();
    for (; g.rendered < end; g.rendered++) page.appendChild(row(g.visible[g.rendered]));
    g.body.appendChild(page);
    const left = g.visible.length - g.rendered;
    g.more.hidden = left === 0;
    g.more.textContent = 'Show ' + Math.min(left, PAGE) + ' more (' + left + ' not shown)';
  }

  // The finding's whole story: what, where, the log lines with input:line, and the advice.
  const aside = el('aside');
  aside.hidden = true;
  document.body.appendChild(aside);
  let selected = -1;
  function open(i) {
    if (selected >= 0) {
      if (rows[selected]) rows[selected].classList.remove('selected');
      for (const m of marks[selected] || []) m.classList.remove('selected');
    }
    selected = i;
    if (rows[i]) rows[i].classList.add('selected');
    for (const m of marks[i] || []) m.classList.add('selected');
    const f = findings[i];
    aside.replaceChildren();
    const close = el('button', null, 'Close');
    close.id = 'close';
    close.type = 'button';
    close.addEventListener('click', () => { aside.hidden = true; });
    aside.appendChild(close);
    aside.appendChild(el('span', 'sev ' + severityOf(f), severityOf(f)));
    aside.appendChild(el('h2', null, f.summary));
    const dl = el('dl');
    const item = (k, v) => { if (v !== '' && v !== undefined) { dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); } };
    item('rule', rules[f.rule].id);
    item('device', f.device);
    item('count', String(f.count));
    item('kernel time', when(f));
    item('input', data.inputs[f.input] + ', boot ' + f.boot);
    if (f.count > 1 && f.last_line > f.line) item('last seen', where(f, f.last_line));
    if (f.crash) {
      item('crash', f.crash.title + ' [' + f.crash.type + (f.crash.corrupted ? ', corrupted' : '') + ']');
    }
    aside.appendChild(dl);
    if (f.guest) aside.appendChild(el('p', 'guest', 'Written by a guest: nothing in it is the host\'s word.'));
    aside.appendChild(el('h3', null, 'Log lines'));
    const lines = el('pre');
    lines.textContent = f.lines.slice().sort((a, b) => a.line - b.line)
      .map((l) => where(f, l.line) + ': ' + l.text + (l.rule !== undefined ? '   [' + l.rule + ' x' + l.count + ']' : ''))
      .join('\n');
    aside.appendChild(lines);
    if (f.crash && f.crash.frames.length) {
      aside.appendChild(el('h3', null, 'Call trace'));
      aside.appendChild(el('pre', null, f.crash.frames.join('\n')));
    }
    if (f.advice !== undefined) {
      aside.appendChild(el('h3', null, 'Advice'));
      aside.appendChild(el('pre', null, data.advice[f.advice].map((l) => data.advice_lines[l]).join('\n')));
    }
    aside.hidden = false;
  }
  main.addEventListener('click', (e) => {
    const target = e.target.closest('[data-index]');
    if (target) open(Number(target.dataset.index));
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') aside.hidden = true; });

  function apply() {
    const rule = ruleSelect.value;
    const device = deviceSelect.value;
    let total = 0;
    for (const g of sections) {
      g.visible = [];
      for (const i of g.members) {
        const f = findings[i];
        const visible = severityBoxes[severityOf(f)].checked && (rule === '' || rules[f.rule].id === rule) &&
          (device === '' || f.device === device);
        for (const m of marks[i] || []) m.hidden = !visible;
        if (visible) g.visible.push(i);
      }
      g.body.replaceChildren();
      g.rendered = 0;
      showMore(g);
      g.section.hidden = g.visible.length === 0;
      total += g.visible.length;
    }
    shown.textContent = total + ' of ' + plural(findings.length, 'finding') + ' shown';
    document.body.dataset.shown = total;
  }
  nav.addEventListener('change', apply);
  apply();
  window.kdiagRenderMs = performance.now() - started;  // decoding included
});
