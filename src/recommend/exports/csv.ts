// recommendation.csv (also --format csv): the full layer-selection table, one row per codec x render
// size x bandwidth bucket, each row carrying everything an SFU needs to act on it: the layer, its
// spatial/temporal indices, its measured bitrate and the hysteresis pair, the score, and the sender
// maxBitrate simq recommends for that layer. Column names are stable (docs/recommend.md).
// Provenance is the run_id column: a comment line above the header would break CSV readers that do not
// skip comments.
import { toCsv } from '../../io/csv.js';
import type { Recommendation } from '../RecommendationTypes.js';
import { chosenCandidate } from './exportContext.js';

export const RECOMMENDATION_COLUMNS = [
  'run_id',
  'codec',
  'sender_scenario',
  'viewer_size',
  'viewer_width',
  'viewer_height',
  'bandwidth_kbps',
  'rid',
  'layer',
  'spatial_layer',
  'temporal_layer',
  'layer_kbps',
  'required_kbps',
  'up_switch_kbps',
  'down_switch_kbps',
  'metric',
  'score',
  'vmaf',
  'psnr_y',
  'recommended_max_bitrate_kbps',
  'cheaper_rid',
  'cheaper_kbps',
  'cheaper_score',
] as const;

export type RecommendationCsvRow = Record<(typeof RECOMMENDATION_COLUMNS)[number], string | number | undefined>;

export function recommendationRows(rec: Recommendation): RecommendationCsvRow[] {
  const rows: RecommendationCsvRow[] = [];
  for (const c of rec.codecs) {
    const sel = c.layerSelection;
    for (const cell of sel.table) {
      const [w, h] = cell.size.split('x').map(Number);
      // The chosen (layer, temporal layer): its own bitrate and switch points.
      const layer = chosenCandidate(sel, cell);
      const fullRate = layer !== undefined && sel.layers.includes(layer);
      const point = layer
        ? c.layers.flatMap((a) => a.points).find((p) => p.scenarioId === layer.scenarioId && p.rid === layer.rid)
        : undefined;
      // Per-metric detail is the layer's at full rate; a temporal operating point has its score only.
      const size = fullRate ? point?.sizes[cell.size] : undefined;
      const enc = layer ? c.recommendedEncodings.find((e) => e.rid === layer.rid) : undefined;
      rows.push({
        run_id: rec.provenance.runId,
        codec: c.codec,
        sender_scenario: c.senderScenario?.id,
        viewer_size: cell.size,
        viewer_width: w,
        viewer_height: h,
        bandwidth_kbps: cell.bandwidthKbps,
        rid: cell.rid ?? undefined,
        layer: layer?.layer,
        spatial_layer: layer?.spatialLayer,
        temporal_layer: layer?.temporalLayer,
        layer_kbps: layer?.kbps,
        required_kbps: layer?.requiredKbps,
        up_switch_kbps: layer?.upSwitchKbps,
        down_switch_kbps: layer?.downSwitchKbps,
        metric: rec.settings.metric.name,
        score: cell.score,
        vmaf: size?.vmafMean,
        psnr_y: size?.psnrYMean,
        recommended_max_bitrate_kbps: enc?.maxBitrate === undefined ? undefined : enc.maxBitrate / 1000,
        cheaper_rid: cell.cheaper?.rid,
        cheaper_kbps: cell.cheaper?.kbps,
        cheaper_score: cell.cheaper?.score,
      });
    }
  }
  return rows;
}

export function renderRecommendationCsv(rec: Recommendation): string {
  return toCsv<RecommendationCsvRow>(RECOMMENDATION_COLUMNS, recommendationRows(rec));
}
