// The dashboard's page and its script, served as two resources (the CSP allows no inline script).
// The script renders every value with textContent / SVG attributes, never as HTML: query names,
// offsets and error messages are user data.

export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>weir · Structured Streaming</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #dde3ea; white-space: nowrap; }
  th { background: #f3f6f9; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.run { cursor: pointer; }
  tr.run:hover, tr.selected { background: #eef4ff; }
  .state-active { color: #1a7f37; } .state-failed { color: #c62828; } .state-terminated { color: #57606a; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1rem; }
  .chart { border: 1px solid #dde3ea; border-radius: 6px; padding: .5rem .75rem; }
  .chart .label { font-weight: 600; } .chart .value { float: right; font-variant-numeric: tabular-nums; }
  .chart .legend { display: flex; flex-wrap: wrap; gap: .2rem .8rem; font-size: 12px; }
  pre { background: #f6f8fa; padding: .75rem; overflow: auto; max-height: 28rem; }
  #error { color: #c62828; } .muted { color: #57606a; }
</style>
</head>
<body>
<h1>weir · Structured Streaming</h1>
<p id="error"></p>
<table>
  <thead><tr><th>Name</th><th>Run</th><th>Status</th><th>Batch</th><th>Input rows/s</th><th>Processed rows/s</th><th>Batch duration</th><th>Watermark</th><th>State rows</th><th>Files outstanding</th><th>Updated</th></tr></thead>
  <tbody id="runs"><tr><td colspan="11" class="muted">no streaming queries yet</td></tr></tbody>
</table>
<section id="detail" hidden>
  <h2 id="detail-title"></h2>
  <p id="detail-error"></p>
  <div class="charts" id="charts"></div>
  <h2>Last progress</h2>
  <pre id="progress"></pre>
</section>
<script src="/app.js"></script>
</body>
</html>
`;

export const DASHBOARD_SCRIPT = `'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  let selected = null;
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const fmt = (n, digits = 0) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');
  const stateRows = (p) => (p && p.stateOperators.length ? p.stateOperators.reduce((s, o) => s + o.numRowsTotal, 0) : null);
  const outstanding = (p) => {
    if (!p) return null;
    let n = null;
    for (const s of p.sources) { const v = Number(s.metrics && s.metrics.numFilesOutstanding); if (Number.isFinite(v)) n = (n ?? 0) + v; }
    return n;
  };
  const duration = (p) => (p ? p.durationMs.triggerExecution : null);

  function renderRuns(queries) {
    const body = $('runs');
    body.replaceChildren();
    if (queries.length === 0) { const tr = el('tr'); const td = el('td', 'no streaming queries yet', 'muted'); td.colSpan = 11; tr.append(td); body.append(tr); return; }
    for (const q of queries) {
      const p = q.lastProgress;
      const tr = el('tr', undefined, 'run' + (q.runId === selected ? ' selected' : ''));
      tr.addEventListener('click', () => { selected = q.runId; refresh(); });
      tr.append(
        el('td', q.name ?? '(unnamed)'),
        el('td', q.runId.slice(0, 8)),
        el('td', q.state + (q.errorClassOnException ? ' (' + q.errorClassOnException + ')' : ''), 'state-' + q.state),
        el('td', p ? String(p.batchId) : '–', 'num'),
        el('td', fmt(p && p.inputRowsPerSecond, 1), 'num'),
        el('td', fmt(p && p.processedRowsPerSecond, 1), 'num'),
        el('td', p ? fmt(duration(p)) + ' ms' : '–', 'num'),
        el('td', (p && p.eventTime.watermark) || '–'),
        el('td', fmt(stateRows(p)), 'num'),
        el('td', fmt(outstanding(p)), 'num'),
        el('td', p ? new Date(p.timestamp).toLocaleTimeString() : '–'),
      );
      body.append(tr);
    }
  }

  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = ['#2f6fde', '#e07b00', '#1a7f37', '#8250df', '#c62828', '#57606a'];
  // One chart: a line per series over the recent batches, all on the chart's own scale.
  function chart(label, series, unit) {
    const box = el('div', undefined, 'chart');
    const last = (xs) => (xs.length ? xs[xs.length - 1] : null);
    box.append(el('span', label, 'label'));
    if (series.length === 1) box.append(el('span', last(series[0].values) === null ? '–' : fmt(last(series[0].values), 1) + unit, 'value'));
    const w = 280, h = 70;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('width', '100%');
    const finite = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
    const max = Math.max(...finite, 1e-9);
    series.forEach((s, k) => {
      if (!s.values.some((v) => Number.isFinite(v))) return;
      const step = s.values.length > 1 ? w / (s.values.length - 1) : 0;
      const points = s.values.map((v, i) => (i * step).toFixed(1) + ',' + (h - 4 - ((Number.isFinite(v) ? v : 0) / max) * (h - 8)).toFixed(1)).join(' ');
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', points);
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', COLOURS[k % COLOURS.length]);
      line.setAttribute('stroke-width', '2');
      svg.append(line);
    });
    box.append(svg);
    if (series.length > 1) {
      const legend = el('div', undefined, 'legend');
      series.forEach((s, k) => {
        const item = el('span', s.name + ' ' + (last(s.values) === null || !Number.isFinite(last(s.values)) ? '–' : fmt(last(s.values)) + unit));
        item.style.color = COLOURS[k % COLOURS.length];
        legend.append(item);
      });
      box.append(legend);
    }
    return box;
  }
  const one = (values) => [{ name: '', values }];
  // Spark UI's operation breakdown: the parts of durationMs other than the whole trigger.
  const OPERATIONS = ['addBatch', 'getBatch', 'latestOffset', 'queryPlanning', 'walCommit', 'commitOffsets'];
  // Spark UI's global watermark gap: how far the watermark trails the batch, in seconds.
  const watermarkGap = (p) => (p.eventTime.watermark ? (Date.parse(p.timestamp) - Date.parse(p.eventTime.watermark)) / 1000 : NaN);

  function renderDetail(d) {
    $('detail').hidden = false;
    $('detail-title').textContent = (d.name ?? '(unnamed)') + ' · run ' + d.runId + ' · ' + d.state;
    $('detail-error').textContent = d.exception ? d.errorClassOnException + ': ' + d.exception : '';
    const ps = d.recentProgress;
    $('charts').replaceChildren(
      chart('Input rate', one(ps.map((p) => p.inputRowsPerSecond)), ' rows/s'),
      chart('Process rate', one(ps.map((p) => p.processedRowsPerSecond)), ' rows/s'),
      chart('Input rows', one(ps.map((p) => p.numInputRows)), ''),
      chart('Batch duration', one(ps.map((p) => duration(p) ?? NaN)), ' ms'),
      chart('Operation duration', OPERATIONS.map((op) => ({ name: op, values: ps.map((p) => p.durationMs[op] ?? NaN) })), ' ms'),
      chart('Global watermark gap', one(ps.map(watermarkGap)), ' s'),
      chart('State rows', one(ps.map((p) => stateRows(p) ?? NaN)), ''),
      chart('Files outstanding', one(ps.map((p) => outstanding(p) ?? NaN)), ''),
    );
    $('progress').textContent = d.lastProgress ? JSON.stringify(d.lastProgress, null, 2) : 'no progress yet';
  }

  async function refresh() {
    try {
      const { queries } = await (await fetch('/api/queries')).json();
      if (selected === null && queries.length > 0) selected = queries[0].runId;
      renderRuns(queries);
      if (selected !== null) {
        const r = await fetch('/api/queries/' + encodeURIComponent(selected));
        if (r.ok) renderDetail(await r.json());
      }
      $('error').textContent = '';
    } catch (e) {
      $('error').textContent = 'cannot reach the dashboard server: ' + e.message;
    }
  }
  refresh();
  setInterval(refresh, 1000);
})();
`;
