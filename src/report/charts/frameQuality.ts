// Per scenario: the score of every displayed picture over time, one line per layer, with frozen
// pictures (a source frame the encoder dropped, so the previous picture stays on screen) crossed.
// One view per render size: the layer's own size first, then each viewport.
import type { PictureRow } from '../../rundir/CsvTypes.js';
import { steadyStartS, type ScenarioRecord } from '../../rundir/RunTypes.js';
import type { ReportMetric } from '../reportMetric.js';
import type { ChartSpec, ChartView, SeriesSpec } from '../page/ReportTypes.js';
import { compareSizes } from '../scenarioLabels.js';

export function frameQualityChart(
  scenario: ScenarioRecord,
  rows: readonly PictureRow[],
  metric: ReportMetric,
  colors: Record<string, string>,
): ChartSpec | undefined {
  const order = scenario.scenario.encodings.map((e) => e.rid);
  const sizes = [...new Set(rows.map((r) => r.size))].sort(compareSizes);
  const views: ChartView[] = [];
  for (const size of sizes) {
    const sized = rows.filter(
      (r) => r.size === size && typeof r[metric.frameColumn] === 'number' && typeof r.time_s === 'number',
    );
    if (sized.length === 0) continue;
    // Each layer is timed by its own pictures, and one layer can show two pictures with the same
    // time_s (a re-acquired frame): every row gets its own x slot, so none overwrites another.
    const ordered = [...sized].sort((a, b) => a.time_s - b.time_s);
    const x = ordered.map((r) => r.time_s);
    const rids = [...new Set(sized.map((r) => r.rid))].sort(
      (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
    );
    const markers: { series: number; index: number }[] = [];
    const series: SeriesSpec[] = rids.map((rid, s) => {
      const values = ordered.map((r, i) => {
        if (r.rid !== rid) return null;
        if (r.frozen === 1) markers.push({ series: s, index: i });
        return r[metric.frameColumn] as number;
      });
      return { label: rid, color: colors[rid] ?? '#555', style: 'line', values, data: true };
    });
    views.push({
      key: size,
      label: size === 'native' ? "each layer's own size" : `${size} viewer`,
      x,
      series,
      markers,
    });
  }
  if (views.length === 0) return undefined;
  const warmupTimes = rows.filter((r) => r.warmup === 1).map((r) => r.time_s);
  const frozen = rows.filter((r) => r.frozen === 1 && r.size === sizes[0]).length;
  return {
    id: `frames-${scenario.id}`,
    kind: 'frame-quality',
    title: `${scenario.id}: ${metric.name} per displayed picture`,
    note:
      'One point per picture a viewer sees, per layer. ' +
      (frozen
        ? `× marks a frozen picture: the encoder dropped that source frame and the previous picture is shown again (${frozen} at ${sizes[0] === 'native' ? "the layers' own size" : sizes[0]}).`
        : 'No frozen pictures (every source frame was encoded).') +
      (warmupTimes.length ? ' Shaded: warm-up, not counted in the averages.' : ' The warm-up is not measured.'),
    xLabel: 'time since capture start (s)',
    xLegend: 't (s)',
    yLabel: metric.unit,
    yRange: metric.range,
    shade: warmupTimes.length
      ? [{ from: Math.min(...warmupTimes), to: steadyStartS(scenario), label: 'warm-up' }]
      : undefined,
    viewLabel: 'render size',
    views,
    height: 280,
  };
}
