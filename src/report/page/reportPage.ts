// The report page's own script: draws every chart of the inlined JSON with uPlot, lets a reader switch
// a chart's render size, sorts tables on a header click, and publishes a summary of what it drew in
// window.__simqCharts (the report test reads it). Compiled by `npm run build` (this folder's
// tsconfig.json, DOM types) into dist/report-page/ and inlined into report.html as a module script
// when a report is written; uPlot is the IIFE inlined before it (a global).
import type UPlot from 'uplot';
import type { ChartSpec, ChartView, ReportPageData, SeriesSpec } from './ReportTypes.js';

declare const uPlot: typeof UPlot;

/** What the page tells the report test about one drawn chart. */
interface ChartSummary {
  id: string;
  kind: string;
  title: string;
  view: string;
  points: number;
  series: { label: string; color: string; style: string; data: boolean; points: number }[];
}

interface SimqWindow {
  __simqCharts: ChartSummary[];
  __simqReady: boolean;
}

const page = window as unknown as Window & SimqWindow;
const data = JSON.parse(document.getElementById('simq-data')!.textContent!) as ReportPageData;
const summary: ChartSummary[] = [];
page.__simqCharts = summary;
const ratio = (v: number): number => Math.round(v * (uPlot.pxRatio || 1));

function fmt(v: number | null | undefined): string {
  if (v == null || !isFinite(v)) return '–';
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function seriesOptions(s: SeriesSpec): UPlot.Series {
  const o: UPlot.Series = {
    label: s.label,
    stroke: s.color,
    width: 2,
    spanGaps: true,
    points: { show: false },
    show: !s.hidden,
    value: (_u, v) => fmt(v),
  };
  if (s.style === 'dash') Object.assign(o, { dash: [7, 5], width: 1.5 });
  else if (s.style === 'dot') Object.assign(o, { dash: [2, 4], width: 1.5 });
  else if (s.style === 'rule') Object.assign(o, { dash: [10, 4], width: 1.5 });
  else if (s.style === 'envelope') Object.assign(o, { dash: [6, 4], width: 1.25 });
  else if (s.style === 'points') {
    o.paths = () => null;
    o.points = { show: true, size: 9, space: 0, width: 1, stroke: s.color, fill: s.color };
  } else if (s.style === 'ring') {
    o.paths = () => null;
    o.points = { show: true, size: 18, space: 0, width: 2, stroke: s.color, fill: 'rgba(255,255,255,0)' };
  }
  return o;
}

function axis(label: string, y: boolean): UPlot.Axis {
  return {
    label,
    stroke: '#333',
    size: y ? 56 : 44,
    labelSize: 22,
    labelFont: 'bold 12px sans-serif',
    font: '11px sans-serif',
    grid: { stroke: '#e9e9e9', width: 1 },
    ticks: { stroke: '#cfcfcf', width: 1 },
  };
}

// Bitrates on a log axis: round kbps values a reader knows (150, 300, 500, 1000, 2500 ...).
const KBPS_TICKS = [10, 20, 50, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 7000, 10000, 20000, 50000];
function logKbpsAxis(label: string): UPlot.Axis {
  const a = axis(label, false);
  a.splits = (_u, _i, min, max) => {
    const s = KBPS_TICKS.filter((t) => t >= min && t <= max);
    return s.length ? s : [min, max];
  };
  // uPlot's default log-axis filter keeps only 1-2-5 multiples of powers of ten (the rest print "null").
  a.filter = (_u, splits) => splits;
  a.values = (_u, splits) => splits.map((v) => String(v));
  return a;
}

function yScale(spec: ChartSpec): UPlot.Scale {
  if (spec.yRange) return { range: spec.yRange };
  if (spec.yFromZero) return { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] };
  return {
    range: (_u, min, max) => {
      const pad = (max - min) * 0.08 || 1;
      return [min - pad, max + pad];
    },
  };
}

/** Quality against kbps (layers, or temporal operating points): a log kbps axis. */
function kbpsX(spec: ChartSpec): boolean {
  return spec.kind === 'quality-vs-bitrate' || spec.kind === 'operating-points';
}

function xScale(spec: ChartSpec): UPlot.Scale {
  if (kbpsX(spec)) {
    return {
      time: false,
      distr: 3,
      log: 10,
      range: (_u, min, max) => [Math.max(1, min / 1.4), Math.max(2, max * 1.4)],
    };
  }
  if (spec.kind === 'bitrate-timeline') return { time: false, range: (_u, _min, max) => [0, max] };
  return { time: false };
}

function drawShade(u: UPlot, spec: ChartSpec): void {
  if (!spec.shade) return;
  const ctx = u.ctx;
  const b = u.bbox;
  ctx.save();
  for (const s of spec.shade) {
    const x0 = Math.max(b.left, u.valToPos(s.from, 'x', true));
    const x1 = Math.min(b.left + b.width, u.valToPos(s.to, 'x', true));
    if (!(x1 > x0)) continue;
    ctx.fillStyle = 'rgba(110,110,110,0.14)';
    ctx.fillRect(x0, b.top, x1 - x0, b.height);
    ctx.fillStyle = '#555';
    ctx.font = ratio(11) + 'px sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillText(s.label, x0 + ratio(4), b.top + ratio(4));
  }
  ctx.restore();
}

function drawGuides(u: UPlot, spec: ChartSpec): void {
  const ctx = u.ctx;
  const b = u.bbox;
  for (const h of spec.hLines ?? []) {
    const y = u.valToPos(h.y, 'y', true);
    if (y < b.top || y > b.top + b.height) continue;
    ctx.strokeStyle = h.color;
    ctx.lineWidth = ratio(1.5);
    ctx.setLineDash([ratio(3), ratio(3)]);
    ctx.beginPath();
    ctx.moveTo(b.left, y);
    ctx.lineTo(b.left + b.width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = h.color;
    ctx.font = 'bold ' + ratio(11) + 'px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(h.label, b.left + ratio(4), y - ratio(2));
  }
}

function drawMarkers(u: UPlot, view: ChartView): void {
  const ctx = u.ctx;
  for (const m of view.markers ?? []) {
    if (!u.series[m.series + 1].show) continue;
    const v = view.series[m.series].values[m.index];
    if (v == null) continue;
    const x = u.valToPos(view.x[m.index], 'x', true);
    const y = u.valToPos(v, 'y', true);
    const r = ratio(4);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = ratio(1.5);
    ctx.beginPath();
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x - r, y + r);
    ctx.lineTo(x + r, y - r);
    ctx.stroke();
  }
}

/** Point labels, skipping one that would overlap a label already drawn. */
function drawLabels(u: UPlot, view: ChartView): void {
  const ctx = u.ctx;
  const b = u.bbox;
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  ctx.font = ratio(10) + 'px sans-serif';
  ctx.textBaseline = 'bottom';
  for (const l of view.labels ?? []) {
    if (!u.series[l.series + 1].show) continue;
    const v = view.series[l.series].values[l.index];
    if (v == null) continue;
    const x = u.valToPos(view.x[l.index], 'x', true);
    const y = u.valToPos(v, 'y', true);
    const w = ctx.measureText(l.text).width;
    const hgt = ratio(11);
    let lx = x + ratio(7);
    if (lx + w > b.left + b.width) lx = x - ratio(7) - w;
    const ly = y - ratio(3);
    const box = { x0: lx, x1: lx + w, y0: ly - hgt, y1: ly };
    if (placed.some((p) => box.x0 < p.x1 && box.x1 > p.x0 && box.y0 < p.y1 && box.y1 > p.y0)) continue;
    placed.push(box);
    ctx.fillStyle = '#333';
    ctx.fillText(l.text, lx, ly);
  }
}

function drawOverlays(u: UPlot, spec: ChartSpec, view: ChartView): void {
  u.ctx.save();
  drawGuides(u, spec);
  u.ctx.textAlign = 'left';
  drawMarkers(u, view);
  drawLabels(u, view);
  u.ctx.restore();
}

function render(el: HTMLElement, spec: ChartSpec, viewIndex: number): { plot: UPlot; entry: ChartSummary } {
  const view = spec.views[viewIndex];
  const opts: UPlot.Options = {
    width: Math.max(320, el.clientWidth),
    height: spec.height,
    scales: { x: xScale(spec), y: yScale(spec) },
    axes: [kbpsX(spec) ? logKbpsAxis(spec.xLabel) : axis(spec.xLabel, false), axis(spec.yLabel, true)],
    series: [{ label: spec.xLegend, value: (_u, v) => fmt(v) }, ...view.series.map(seriesOptions)],
    cursor: { drag: { x: true, y: false } },
    hooks: {
      drawClear: [(u) => drawShade(u, spec)],
      draw: [(u) => drawOverlays(u, spec, view)],
    },
  };
  const u = new uPlot(opts, [view.x, ...view.series.map((s) => s.values)] as UPlot.AlignedData, el);
  const entry: ChartSummary = {
    id: spec.id,
    kind: spec.kind,
    title: spec.title,
    view: view.key,
    points: 0,
    series: [],
  };
  view.series.forEach((s, i) => {
    const n = (u.data[i + 1] as (number | null | undefined)[]).filter((v) => v != null).length;
    entry.series.push({ label: s.label, color: s.color, style: s.style, data: s.data, points: n });
    if (s.data) entry.points += n;
  });
  return { plot: u, entry };
}

interface DrawnChart {
  spec: ChartSpec;
  el: HTMLElement;
  plot: UPlot;
}

/** A select under a chart with several views (render sizes); a change redraws the chart. */
function addViewSelect(chart: DrawnChart, index: number): void {
  const { spec, el } = chart;
  const controls = el.parentElement!.querySelector('.chart-controls')!;
  const label = document.createElement('label');
  label.textContent = (spec.viewLabel || 'view') + ' ';
  const select = document.createElement('select');
  spec.views.forEach((v, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = v.label;
    select.appendChild(o);
  });
  select.addEventListener('change', () => {
    chart.plot.destroy();
    const again = render(el, spec, Number(select.value));
    chart.plot = again.plot;
    summary[index] = again.entry;
  });
  label.appendChild(select);
  controls.appendChild(label);
}

function drawCharts(): DrawnChart[] {
  return data.charts.map((spec, n) => {
    const el = document.querySelector<HTMLElement>('[data-chart="' + spec.id + '"]');
    if (!el) throw new Error('no element for chart ' + spec.id);
    const drawn = render(el, spec, 0);
    summary[n] = drawn.entry;
    const chart = { spec, el, plot: drawn.plot };
    if (spec.views.length > 1) addViewSelect(chart, n);
    return chart;
  });
}

function resizeWithWindow(charts: DrawnChart[]): void {
  let resizeTimer: number | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      for (const c of charts) c.plot.setSize({ width: Math.max(320, c.el.clientWidth), height: c.spec.height });
    }, 150);
  });
}

function cellValue(td: HTMLTableCellElement): string | number {
  const t = (td.textContent ?? '').trim();
  const n = Number(t);
  return t !== '' && t !== '–' && isFinite(n) ? n : t;
}

/** Tables sort on a click on a column header; a second click reverses; empty cells ('–') go last. */
function sortableTables(): void {
  for (const tableEl of document.querySelectorAll<HTMLTableElement>('table.sortable')) {
    const dir: Record<number, number> = {};
    Array.from(tableEl.tHead!.rows[0].cells).forEach((th, col) => {
      th.title = 'sort';
      th.addEventListener('click', () => {
        dir[col] = dir[col] === 1 ? -1 : 1;
        const body = tableEl.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = cellValue(a.cells[col]);
          const y = cellValue(b.cells[col]);
          if (x === y) return 0;
          if (x === '–') return 1;
          if (y === '–') return -1;
          if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir[col];
          return String(x).localeCompare(String(y)) * dir[col];
        });
        for (const r of rows) body.appendChild(r);
      });
    });
  }
}

resizeWithWindow(drawCharts());
sortableTables();
page.__simqReady = true;
