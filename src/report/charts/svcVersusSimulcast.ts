// Simulcast against SVC per viewer size (recommendation.json svcVersusSimulcast, issue 23 point 4):
// per codec two charts over the viewer sizes (x: the viewer's height in pixels), one of the quality each
// mode delivers to a viewer of that size (the layer / operating point an SFU forwards it), one of the bits it costs:
// what the SFU sends that viewer (downlink) and, as flat guide lines, what the sender uploads.
import type { SvcVersusSimulcastRow } from '../../recommend/RecommendationTypes.js';
import { parseSize } from '../../units.js';
import type { ReportMetric } from '../reportMetric.js';
import type { ChartSpec, PointLabel, SeriesSpec } from '../page/ReportTypes.js';

export const SIMULCAST_COLOR = '#1f77b4';
export const SVC_COLOR = '#d62728';

/** The rows of one codec with a size that parses, by viewer height (then width), ascending. */
function bySize(rows: readonly SvcVersusSimulcastRow[]): { row: SvcVersusSimulcastRow; height: number }[] {
  return (
    rows
      .flatMap((row) => {
        const s = parseSize(row.size);
        return s ? [{ row, height: s.height, width: s.width }] : [];
      })
      .sort((a, b) => a.height - b.height || a.width - b.width)
      // One x per height: uPlot needs ascending, distinct x values.
      .filter((r, i, all) => i === 0 || all[i - 1].height !== r.height)
      .map(({ row, height }) => ({ row, height }))
  );
}

export function svcVersusSimulcastCharts(rows: readonly SvcVersusSimulcastRow[], metric: ReportMetric): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const codec of [...new Set(rows.map((r) => r.codec))]) {
    const mine = bySize(rows.filter((r) => r.codec === codec));
    if (mine.length === 0) continue;
    const x = mine.map((m) => m.height);
    const first = mine[0].row;
    const pair = `${first.simulcast?.forwarded.scenarioId ?? '-'} vs ${first.svc?.forwarded.scenarioId ?? '-'}`;
    const upload =
      first.uploadDifference === undefined
        ? ''
        : ` SVC uploads ${first.uploadDifference > 0 ? '+' : ''}${Math.round(first.uploadDifference * 1000) / 10} % of simulcast's${first.sameUpload === false ? ' (too far apart to name a winner)' : ''}.`;
    const quality: SeriesSpec[] = [
      {
        label: 'simulcast',
        color: SIMULCAST_COLOR,
        style: 'line',
        values: mine.map((m) => m.row.simulcast?.forwarded.score ?? null),
        data: true,
      },
      {
        label: 'SVC',
        color: SVC_COLOR,
        style: 'line',
        values: mine.map((m) => m.row.svc?.forwarded.score ?? null),
        data: true,
      },
    ];
    const labels: PointLabel[] = mine.flatMap((m, index) => [
      ...(m.row.simulcast ? [{ series: 0, index, text: m.row.simulcast.forwarded.rid }] : []),
      ...(m.row.svc ? [{ series: 1, index, text: m.row.svc.forwarded.rid }] : []),
    ]);
    charts.push({
      id: `svc-quality-${codec}`,
      kind: 'svc-vs-simulcast',
      title: `${codec.toUpperCase()}: ${metric.name} a viewer gets, simulcast vs SVC, per viewer size`,
      note: `Per viewer size (x: its height), the layer of the simulcast scenario and the operating point of the SVC scenario an SFU forwards to that viewer (the smallest whose own size covers it), scored at that size (${pair}).${upload}`,
      xLabel: 'viewer height (px)',
      xLegend: 'viewer height',
      yLabel: `${metric.unit} (mean)`,
      yRange: metric.range,
      views: [{ key: 'all', label: 'all', x, series: quality, labels }],
      height: 300,
      half: true,
    });
    const rule = (v: number | undefined) => mine.map(() => v ?? null);
    const bits: SeriesSpec[] = [
      {
        label: 'simulcast: SFU to viewer',
        color: SIMULCAST_COLOR,
        style: 'line',
        values: mine.map((m) => m.row.simulcast?.forwarded.kbps ?? null),
        data: true,
      },
      {
        label: 'SVC: SFU to viewer',
        color: SVC_COLOR,
        style: 'line',
        values: mine.map((m) => m.row.svc?.forwarded.kbps ?? null),
        data: true,
      },
      {
        label: 'simulcast: sender upload',
        color: SIMULCAST_COLOR,
        style: 'dash',
        values: rule(first.simulcast?.uploadKbps),
        data: false,
      },
      {
        label: 'SVC: sender upload',
        color: SVC_COLOR,
        style: 'dash',
        values: rule(first.svc?.uploadKbps),
        data: false,
      },
    ];
    charts.push({
      id: `svc-bits-${codec}`,
      kind: 'svc-vs-simulcast',
      title: `${codec.toUpperCase()}: kbps each mode costs, per viewer size`,
      note: 'Solid: what the SFU forwards to one viewer of that size (the forwarded layer or operating point). Dashed: what the sender uploads for every viewer together (simulcast: all layers; SVC: all spatial layers of the one stream).',
      xLabel: 'viewer height (px)',
      xLegend: 'viewer height',
      yLabel: 'kbps',
      yFromZero: true,
      views: [{ key: 'all', label: 'all', x, series: bits }],
      height: 300,
      half: true,
    });
  }
  return charts;
}
