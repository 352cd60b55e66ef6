// Quality against bitrate, one chart per codec and viewer size: a point per layer per scenario
// (sweep points included), coloured by rid and labelled with its scenario, and the upper envelope.
// "native" is each layer at its own size: scores of different resolutions are not comparable there,
// so each layer gets its own envelope (the curve the maxBitrate advice reads). A viewport chart
// answers "what should a viewer of that size get": one envelope over every layer.
import type { ParsedQualityRow } from '../../recommend/qualityTable.js';
import type { CodecRecommendation, Recommendation } from '../../recommend/RecommendationTypes.js';
import type { RunRecord, ScenarioRecord } from '../../rundir/RunTypes.js';
import { ENVELOPE_BLACK } from '../colors.js';
import type { ReportMetric } from '../reportMetric.js';
import type { ChartSpec, PointLabel, SeriesSpec } from '../page/ReportTypes.js';
import { compareSizes, runRids, scenarioLabel, sweepText } from '../scenarioLabels.js';

interface Point {
  x: number;
  y: number;
  /** Series key: a rid, or "advice". */
  key: string;
  label?: string;
  /** Labels drawn first win when labels would overlap (lower first). */
  priority: number;
}

/** Indexes of the upper envelope: sorted by x, each scores more than every cheaper point. */
export function upperEnvelope(points: readonly { x: number; y: number }[]): number[] {
  const order = points.map((p, i) => i).sort((a, b) => points[a].x - points[b].x || points[b].y - points[a].y);
  const out: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    if (points[i].y > best) {
      out.push(i);
      best = points[i].y;
    }
  }
  return out;
}

function adviceFor(
  rec: Recommendation | undefined,
  codec: string,
  metric: ReportMetric,
): CodecRecommendation | undefined {
  if (!rec) return undefined;
  // The advice is in the recommendation's metric; only draw it on a chart of the same metric.
  const same = (rec.settings.metric.name === 'vmaf') === (metric.name === 'VMAF');
  return same ? rec.codecs.find((c) => c.codec === codec) : undefined;
}

/** A sweep scenario's point is named by the swept value of its own rid ("h max 600k"); a layer the
 *  sweep did not touch repeats the base scenario and gets no label of its own. */
function pointLabel(s: ScenarioRecord | undefined, id: string, rid: string): { text?: string; priority: number } {
  const sweep = Object.entries(s?.scenario.sweepPoint ?? {});
  if (sweep.length === 0) return { text: scenarioLabel(s, id), priority: 1 };
  const own = sweep.filter(([k]) => k.split('.')[0] === rid);
  if (own.length === 0) return { priority: 3 };
  return { text: own.map(([k, v]) => sweepText(k, v)).join(', '), priority: 0 };
}

export function qualityVsBitrateCharts(
  rows: readonly ParsedQualityRow[],
  run: RunRecord,
  metric: ReportMetric,
  colors: Record<string, string>,
  recommendation?: Recommendation,
): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const scenarios = new Map(run.scenarios.map((s) => [s.id, s]));
  const ridOrder = runRids(run);
  const rank = (key: string) => (key === 'advice' ? 1000 : ridOrder.indexOf(key) + 1 || 999);
  const codecs = [...new Set(rows.map((r) => r.codec))];
  for (const codec of codecs) {
    const codecRows = rows.filter((r) => r.codec === codec);
    const sizes = [...new Set(codecRows.map((r) => r.size))].sort(compareSizes);
    const advice = adviceFor(recommendation, codec, metric);
    const single = new Set(codecRows.map((r) => r.scenario_id)).size === 1;
    for (const size of sizes) {
      const native = size === 'native';
      const points: Point[] = [];
      for (const r of codecRows.filter((row) => row.size === size)) {
        const y = r[metric.column];
        // native: the target (what maxBitrate controls, the advice's x); a viewer: the bits actually sent.
        const x = native ? (r.target_kbps ?? r.actual_kbps) : (r.actual_kbps ?? r.target_kbps);
        if (y === undefined || x === undefined || x <= 0) continue;
        // One scenario per codec: every point would carry the same name.
        const label = single ? { priority: 3 } : pointLabel(scenarios.get(r.scenario_id), r.scenario_id, r.rid);
        points.push({ x, y, key: r.rid, label: label.text, priority: label.priority });
      }
      if (points.length === 0) continue;
      // Envelope membership, before the advice rings join the points.
      const groups = native
        ? [...new Set(points.map((p) => p.key))].map((k) => points.filter((p) => p.key === k))
        : [points];
      const onEnvelope = new Map<Point, string>();
      for (const group of groups) {
        const front = upperEnvelope(group);
        // A single point is no curve: no line and no legend entry for it.
        if (front.length < 2) continue;
        for (const i of front) onEnvelope.set(group[i], native ? group[i].key : 'all');
      }
      if (native && advice) {
        for (const layer of advice.layers) {
          if (!layer.advice || layer.advice.wantedKbps <= 0) continue;
          points.push({
            x: layer.advice.wantedKbps,
            y: layer.advice.expectedScore,
            key: 'advice',
            label: `${layer.rid}: maxBitrate ${Math.round(layer.advice.maxBitrate / 1000)}k`,
            priority: -1,
          });
        }
      }
      points.sort((a, b) => a.x - b.x || b.y - a.y);
      const x = points.map((p) => p.x);
      const keys = [...new Set(points.map((p) => p.key))].sort((a, b) => rank(a) - rank(b));
      const series: SeriesSpec[] = keys.map((key) => ({
        label: key === 'advice' ? 'recommended (ring)' : key,
        color: key === 'advice' ? ENVELOPE_BLACK : (colors[key] ?? '#555'),
        style: key === 'advice' ? 'ring' : 'points',
        values: points.map((p) => (p.key === key ? p.y : null)),
        data: key !== 'advice',
      }));
      const envelopeKeys = [...new Set(onEnvelope.values())].sort((a, b) => rank(a) - rank(b));
      for (const ek of envelopeKeys) {
        series.push({
          label: native ? `${ek} curve` : 'upper envelope',
          color: native ? (colors[ek] ?? '#555') : ENVELOPE_BLACK,
          style: 'envelope',
          values: points.map((p) => (onEnvelope.get(p) === ek ? p.y : null)),
          data: false,
        });
      }
      const labels: PointLabel[] = points
        .map((p, index) => ({ p, index }))
        .filter(({ p }) => p.label !== undefined)
        .sort((a, b) => a.p.priority - b.p.priority || (onEnvelope.has(b.p) ? 1 : 0) - (onEnvelope.has(a.p) ? 1 : 0))
        .map(({ p, index }) => ({ series: keys.indexOf(p.key), index, text: p.label! }));
      const hLines =
        native && advice
          ? [
              {
                y: recommendation!.settings.targetScore,
                label: `target ${metric.name} ${recommendation!.settings.targetScore}`,
                color: '#6a3d9a',
              },
            ]
          : undefined;
      charts.push({
        id: `quality-${codec}-${size}`,
        kind: 'quality-vs-bitrate',
        title: native
          ? `${codec.toUpperCase()}: ${metric.name} of each layer at its own size vs target kbps`
          : `${codec.toUpperCase()}: ${metric.name} for a ${size} viewer vs kbps sent`,
        note: native
          ? `One point per layer per scenario (sweep points included); dashed: each layer's upper envelope. x: steady-state encoder target (outbound-rtp.targetBitrate), the number maxBitrate controls.${advice ? ' Rings: the recommended operating points.' : ''}`
          : `Every layer decoded and scaled to ${size} before scoring; dashed: the upper envelope (no point scores higher for fewer kbps). x: steady-state kbps actually sent, what the SFU forwards to this viewer.`,
        xLabel: native ? 'target kbps (log scale)' : 'kbps sent (log scale)',
        xLegend: 'kbps',
        yLabel: `${metric.unit} (mean)`,
        yRange: metric.range,
        hLines,
        views: [{ key: size, label: size, x, series, labels }],
        height: 330,
        half: true,
      });
    }
  }
  return charts;
}
