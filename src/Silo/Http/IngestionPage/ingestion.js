// The ingestion page: polls /api/stats every second and draws its numbers, an events/s chart, a lag chart per
// partition, totals by event type and the partition table. History lives only in this page (the last 5 minutes).
(() => {
  'use strict';

  const POLL_MS = 1000;
  const REQUEST_TIMEOUT_MS = 2500;
  const WINDOW_MS = 5 * 60 * 1000;
  const STALLED_AFTER_MS = 30 * 1000;
  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#f97316', '#64748b', '#14b8a6', '#a855f7'];

  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });

  const history = { rates: [], lags: new Map() };
  let previous = null;
  let lastSuccess = null;

  const $ = (id) => document.getElementById(id);

  function setText(id, text) {
    const element = $(id);
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function element(tag, attributes = {}, text) {
    const node = tag === 'svg' || ['line', 'path', 'text', 'circle', 'g', 'rect'].includes(tag)
      ? document.createElementNS(SVG, tag)
      : document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  const num = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const partitionColor = (partition) => PALETTE[Math.abs(partition) % PALETTE.length];
  const timeOf = (stats) => {
    const parsed = Date.parse(stats.generatedAt);
    return Number.isFinite(parsed) ? parsed : Date.now();
  };

  function ago(iso, now) {
    if (!iso) {
      return 'never';
    }
    const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    if (!Number.isFinite(seconds)) {
      return iso;
    }
    if (seconds < 1) {
      return 'just now';
    }
    if (seconds < 60) {
      return `${seconds} s ago`;
    }
    if (seconds < 3600) {
      return `${Math.floor(seconds / 60)} min ${seconds % 60} s ago`;
    }
    return dateTime.format(new Date(iso));
  }

  // ---- polling ---------------------------------------------------------------------------------------------------

  async function poll() {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch('/api/stats', { cache: 'no-store', signal: controller.signal });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      render(await response.json());
      pollSilos(controller.signal);
      lastSuccess = new Date();
      setStatus('live', `Live · updated ${clock.format(lastSuccess)}`);
    } catch (error) {
      const reason = error.name === 'AbortError' ? 'no answer' : error.message;
      const since = lastSuccess ? `; last update ${clock.format(lastSuccess)}` : '';
      setStatus('down', `/api/stats: ${reason}${since}`);
    } finally {
      clearTimeout(timeout);
      setTimeout(poll, POLL_MS);
    }
  }

  // Per-silo figures are a second, optional source: the page stays live when only they fail.
  async function pollSilos(signal) {
    try {
      const response = await fetch('/api/silos', { cache: 'no-store', signal });
      if (response.ok) {
        renderSilos(await response.json());
      }
    } catch {
      // the next poll tries again
    }
  }

  function renderSilos(silos) {
    const body = $('silos-body');
    if (!Array.isArray(silos) || silos.length === 0) {
      const row = element('tr');
      row.append(element('td', { colspan: '5', class: 'empty' }, 'No silo reported yet'));
      body.replaceChildren(row);
      setText('silos-summary', '');
      return;
    }
    const rate = (value) => (value === null || value === undefined ? '—' : integer.format(Math.round(num(value))));
    setText('silos-summary', `${silos.length} silo${silos.length === 1 ? '' : 's'} reporting`);
    body.replaceChildren(...silos.map((s) => {
      const partitions = Array.isArray(s.partitions) ? s.partitions : [];
      const row = element('tr', { 'data-silo': s.silo });
      row.append(
        element('td', { class: 'owner', title: s.silo }, s.silo),
        element('td', { class: 'num', title: partitions.join(', ') }, `${partitions.length} [${partitions.join(', ')}]`),
        element('td', { class: 'num' }, rate(s.recordsReadPerSecond)),
        element('td', { class: 'num' }, rate(s.eventsStoredPerSecond)),
        element('td', { class: 'num' }, integer.format(num(s.eventsStored))));
      return row;
    }));
  }

  function setStatus(state, text) {
    document.body.dataset.state = state;
    $('status').className = `status status-${state}`;
    setText('status-text', text);
  }

  // ---- rendering -------------------------------------------------------------------------------------------------

  function render(stats) {
    const now = timeOf(stats);
    const partitions = Array.isArray(stats.partitions) ? [...stats.partitions].sort((a, b) => a.partition - b.partition) : [];
    const stored = num(stats.eventsStored);
    const rejected = num(stats.eventsRejected);

    let rateNow = null;
    if (previous && now > previous.time && stored >= previous.stored) {
      rateNow = (stored - previous.stored) / ((now - previous.time) / 1000);
    }
    previous = { time: now, stored };

    remember(history.rates, { t: now, now: rateNow, avg: num(stats.eventsPerSecond1m) }, now);
    for (const p of partitions) {
      if (!history.lags.has(p.partition)) {
        history.lags.set(p.partition, []);
      }
      remember(history.lags.get(p.partition), { t: now, lag: num(p.lag) }, now);
    }

    renderKpis(stats, stored, rejected, rateNow, partitions);
    renderRateChart(now);
    renderLagChart(now, partitions);
    renderEventTypes(Array.isArray(stats.byEventType) ? stats.byEventType : []);
    renderPartitions(partitions, now);
    setText('generated-at', `Data of ${dateTime.format(new Date(now))} · `);
  }

  function remember(points, point, now) {
    points.push(point);
    while (points.length > 0 && points[0].t < now - WINDOW_MS) {
      points.shift();
    }
  }

  function renderKpis(stats, stored, rejected, rateNow, partitions) {
    setText('events-stored', integer.format(stored));
    setText('events-rejected', integer.format(rejected));
    setText('rejected-share', stored + rejected > 0 ? `${percent.format(rejected / (stored + rejected))} of all records` : 'dead letters');
    setText('rate-now', rateNow === null ? '–' : decimal.format(rateNow));
    setText('rate-1m', decimal.format(num(stats.eventsPerSecond1m)));
    setText('rate-5m', decimal.format(num(stats.eventsPerSecond5m)));

    const totalLag = partitions.reduce((sum, p) => sum + num(p.lag), 0);
    setText('total-lag', integer.format(totalLag));
    const silos = new Set(partitions.map((p) => p.owner).filter(Boolean)).size;
    setText('partition-summary', `${partitions.length} partitions on ${silos} silo${silos === 1 ? '' : 's'}`);
    $('lag-kpi').className = `kpi ${totalLag === 0 ? '' : totalLag < 10000 ? 'lag-warn' : 'lag-bad'}`;
  }

  function renderRateChart(now) {
    const points = history.rates;
    lineChart($('rate-chart'), now, [
      { color: PALETTE[0], area: true, points: points.map((p) => ({ t: p.t, v: p.now })) },
      { color: '#f59e0b', dashed: true, points: points.map((p) => ({ t: p.t, v: p.avg })) },
    ], decimal);
  }

  function renderLagChart(now, partitions) {
    const series = [...history.lags.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([partition, points]) => ({ color: partitionColor(partition), points: points.map((p) => ({ t: p.t, v: p.lag })) }));
    lineChart($('lag-chart'), now, series, integer);

    const legend = $('lag-legend');
    legend.replaceChildren(...partitions.map((p) => {
      const item = element('span', { class: 'item', title: `partition ${p.partition}: ${integer.format(num(p.lag))} records behind` });
      item.append(element('span', { class: 'swatch', style: `background:${partitionColor(p.partition)}` }), `p${p.partition} ${compact.format(num(p.lag))}`);
      return item;
    }));
  }

  function renderEventTypes(types) {
    const list = $('event-types');
    const sorted = [...types].sort((a, b) => num(b.count) - num(a.count));
    const total = sorted.reduce((sum, t) => sum + num(t.count), 0);
    const max = sorted.length > 0 ? Math.max(1, num(sorted[0].count)) : 1;
    setText('types-total', total > 0 ? `${integer.format(total)} events` : '');
    if (sorted.length === 0) {
      list.replaceChildren(element('li', { class: 'empty' }, 'No events stored yet'));
      return;
    }
    list.replaceChildren(...sorted.map((t) => {
      const item = element('li');
      const track = element('div', { class: 'track' });
      track.append(element('div', { class: 'fill', style: `width:${(100 * num(t.count)) / max}%` }));
      item.append(
        element('span', { class: 'type', title: t.eventType }, t.eventType),
        track,
        element('span', { class: 'share' }, percent.format(total > 0 ? num(t.count) / total : 0)),
        element('span', { class: 'count' }, integer.format(num(t.count))));
      return item;
    }));
  }

  function renderPartitions(partitions, now) {
    const body = $('partitions-body');
    if (partitions.length === 0) {
      const row = element('tr');
      row.append(element('td', { colspan: '6', class: 'empty' }, 'No partitions reported yet'));
      body.replaceChildren(row);
      setText('silo-summary', '');
      return;
    }
    const owners = new Set(partitions.map((p) => p.owner).filter(Boolean));
    setText('silo-summary', `${owners.size} silo${owners.size === 1 ? '' : 's'} reading`);
    body.replaceChildren(...partitions.map((p) => {
      const lag = num(p.lag);
      const lastCommit = p.lastCommitAt ? Date.parse(p.lastCommitAt) : NaN;
      const stalled = lag > 0 && (!Number.isFinite(lastCommit) || now - lastCommit > STALLED_AFTER_MS);
      const row = element('tr', { 'data-partition': String(p.partition) });
      const chip = element('span', { class: 'partition-chip' });
      chip.append(element('i', { style: `background:${partitionColor(p.partition)}` }), String(p.partition));
      const partitionCell = element('td');
      partitionCell.append(chip);
      const lagCell = element('td', { class: 'num' });
      lagCell.append(element('span', { class: `pill ${lag === 0 ? 'pill-ok' : stalled ? 'pill-bad' : 'pill-warn'}`, title: stalled ? 'behind and no commit for 30 s' : '' }, integer.format(lag)));
      row.append(
        partitionCell,
        element('td', { class: 'owner', title: p.owner || 'no silo owns this partition now' }, p.owner || '—'),
        element('td', { class: 'num' }, integer.format(num(p.checkpoint))),
        element('td', { class: 'num' }, integer.format(num(p.highWatermark))),
        lagCell,
        element('td', { title: p.lastCommitAt || '' }, ago(p.lastCommitAt, now)));
      return row;
    }));
  }

  // ---- a small SVG line chart -------------------------------------------------------------------------------------

  function niceStep(range, ticks) {
    const raw = range / ticks;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const normalized = raw / magnitude;
    return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
  }

  function timeStep(spanMs) {
    const steps = [5, 10, 15, 30, 60, 120, 300].map((s) => s * 1000);
    return steps.find((s) => spanMs / s <= 6) ?? 300000;
  }

  function lineChart(svg, now, series, format) {
    const width = svg.clientWidth || 600;
    const height = svg.clientHeight || 200;
    const margin = { left: 52, right: 14, top: 10, bottom: 22 };
    const plotWidth = width - margin.left - margin.right;
    const plotHeight = height - margin.top - margin.bottom;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);

    const all = series.flatMap((s) => s.points).filter((p) => p.v !== null);
    const first = all.length > 0 ? Math.min(...all.map((p) => p.t)) : now;
    const start = Math.max(now - WINDOW_MS, Math.min(first, now - 20000));
    const maxValue = Math.max(0, ...all.map((p) => p.v));
    const step = maxValue > 0 ? niceStep(maxValue, 4) : 1;
    const top = Math.max(step, Math.ceil(maxValue / step) * step);
    const x = (t) => margin.left + ((t - start) / (now - start)) * plotWidth;
    const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

    const nodes = [];
    for (let v = 0; v <= top + step / 2; v += step) {
      nodes.push(element('line', { class: 'grid', x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }));
      nodes.push(element('text', { x: margin.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, format.format(v)));
    }
    const tick = timeStep(now - start);
    for (let t = Math.ceil(start / tick) * tick; t <= now; t += tick) {
      const label = clock.format(new Date(t));
      nodes.push(element('text', { x: x(t), y: height - 6, 'text-anchor': 'middle' }, label));
    }
    nodes.push(element('line', { class: 'axis', x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0) }));

    for (const s of series) {
      const segments = [];
      let current = [];
      for (const p of s.points) {
        if (p.v === null) {
          if (current.length > 0) {
            segments.push(current);
          }
          current = [];
        } else {
          current.push(p);
        }
      }
      if (current.length > 0) {
        segments.push(current);
      }
      for (const segment of segments) {
        const line = segment.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
        if (s.area && segment.length > 1) {
          const area = `${line}L${x(segment[segment.length - 1].t).toFixed(1)},${y(0)}L${x(segment[0].t).toFixed(1)},${y(0)}Z`;
          nodes.push(element('path', { d: area, fill: s.color, 'fill-opacity': '0.12', stroke: 'none' }));
        }
        nodes.push(element('path', {
          d: line,
          fill: 'none',
          stroke: s.color,
          'stroke-width': s.dashed ? '1.5' : '2',
          'stroke-dasharray': s.dashed ? '5 4' : 'none',
          'stroke-linejoin': 'round',
        }));
      }
      const last = s.points.length > 0 ? s.points[s.points.length - 1] : null;
      if (last && last.v !== null && !s.dashed) {
        nodes.push(element('circle', { cx: x(last.t), cy: y(last.v), r: '3', fill: s.color }));
      }
    }
    if (all.length === 0) {
      nodes.push(element('text', { class: 'empty', x: margin.left + plotWidth / 2, y: margin.top + plotHeight / 2, 'text-anchor': 'middle' }, 'Waiting for data…'));
    }
    svg.replaceChildren(...nodes);
  }

  lineChart($('rate-chart'), Date.now(), [], decimal);
  lineChart($('lag-chart'), Date.now(), [], integer);
  poll();
})();
