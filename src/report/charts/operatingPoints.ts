// Quality against bitrate of the temporal operating points (measure --temporal-layers), one chart per
// codec and viewer size: a point per (layer, temporal layer) pair an SFU can forward, coloured by rid
// and labelled with its level and frame rate; a dashed line in the rid's colour joins a layer's levels
// (T0 -> T2: what dropping frames saves and costs), and the black dashed line is the upper envelope,
// the best operating points (no cheaper pair scores higher).
import {
  upperEnvelope,
  viewerOperatingPoints,
  type OperatingPoint,
  type OperatingPointRow,
} from '../../measure/operatingPoints.js';
import { ENVELOPE_BLACK } from '../colors.js';
import type { ReportMetric } from '../reportMetric.js';
import type { ChartSpec, PointLabel, SeriesSpec } from '../page/ReportTypes.js';

interface Plotted {
  p: OperatingPoint;
  x: number;
  y: number;
}

/** The pairs with a bitrate and a score in the report's metric, cheapest first. */
function plotted(points: readonly OperatingPoint[], metric: ReportMetric): Plotted[] {
  const out: Plotted[] = [];
  for (const p of points) {
    const y = metric.name === 'VMAF' ? p.vmaf : p.psnrY;
    if (p.kbps === undefined || p.kbps <= 0 || y === undefined) continue;
    out.push({ p, x: p.kbps, y });
  }
  return out.sort((a, b) => a.x - b.x || b.y - a.y);
}

/** One series per line: a layer's levels within one scenario (sweeps have several of each rid). */
function layerLines(points: readonly Plotted[], single: boolean): Map<string, { rid: string; members: Set<Plotted> }> {
  const lines = new Map<string, { rid: string; members: Set<Plotted> }>();
  for (const q of points) {
    const key = single ? q.p.rid : `${q.p.rid} (${q.p.scenarioId})`;
    const line = lines.get(key) ?? { rid: q.p.rid, members: new Set<Plotted>() };
    line.members.add(q);
    lines.set(key, line);
  }
  return lines;
}

export function operatingPointCharts(
  rows: readonly OperatingPointRow[],
  metric: ReportMetric,
  colors: Record<string, string>,
  ridOrder: readonly string[],
): ChartSpec[] {
  const rank = (rid: string) => ridOrder.indexOf(rid) + 1 || 999;
  const charts: ChartSpec[] = [];
  for (const viewer of viewerOperatingPoints(rows)) {
    const points = plotted(viewer.all, metric);
    if (points.length === 0) continue;
    const single = new Set(points.map((q) => q.p.scenarioId)).size === 1;
    const rids = [...new Set(points.map((q) => q.p.rid))].sort((a, b) => rank(a) - rank(b));
    const best = new Set(upperEnvelope(points.map((q) => q.p)));
    const values = (keep: (q: Plotted) => boolean) => points.map((q) => (keep(q) ? q.y : null));
    const series: SeriesSpec[] = rids.map((rid) => ({
      label: rid,
      color: colors[rid] ?? '#555',
      style: 'points',
      values: values((q) => q.p.rid === rid),
      data: true,
    }));
    const lines = [...layerLines(points, single)].sort(([, a], [, b]) => rank(a.rid) - rank(b.rid));
    for (const [key, line] of lines) {
      if (line.members.size < 2) continue;
      series.push({
        label: `${key} T0..T${Math.max(...[...line.members].map((q) => q.p.temporalLayer))}`,
        color: colors[line.rid] ?? '#555',
        style: 'envelope',
        values: values((q) => line.members.has(q)),
        data: false,
      });
    }
    series.push({
      label: 'best operating points',
      color: ENVELOPE_BLACK,
      style: 'envelope',
      values: values((q) => best.has(q.p)),
      data: false,
    });
    // Labels on the best points first: the page skips a label that would overlap one already drawn.
    const labels: PointLabel[] = points
      .map((q, index) => ({ q, index }))
      .sort((a, b) => Number(best.has(b.q.p)) - Number(best.has(a.q.p)))
      .map(({ q, index }) => ({
        series: rids.indexOf(q.p.rid),
        index,
        text: `${q.p.rid} T${q.p.temporalLayer}${q.p.fps !== undefined ? ` ${q.p.fps.toFixed(1)} fps` : ''}`,
      }));
    charts.push({
      id: `operating-points-${viewer.codec}-${viewer.size}`,
      kind: 'operating-points',
      title: `${viewer.codec.toUpperCase()}: ${metric.name} for a ${viewer.size} viewer vs kbps forwarded, per (layer, temporal layer)`,
      note: `Each point is a layer forwarded up to temporal layer T (frames with temporal index <= T; the last forwarded picture stays on screen), scored at ${viewer.size}. x: the forwarded frames' bytes over the steady window. Coloured dashes join a layer's levels; black dashes: the best operating points.`,
      xLabel: 'kbps forwarded (log scale)',
      xLegend: 'kbps',
      yLabel: `${metric.unit} (mean)`,
      yRange: metric.range,
      views: [{ key: viewer.size, label: viewer.size, x: points.map((q) => q.x), series, labels }],
      height: 330,
      half: true,
    });
  }
  return charts;
}
