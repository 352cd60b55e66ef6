// The SFU's side: for each render size and available bandwidth, which of the sender's layers to
// forward. An SFU can only forward what is being sent, so the candidates are the layers of one
// scenario that stands for the app's sender (senderScenario.ts), with the bitrates measured there.
//
// Rules:
// - a layer fits a bandwidth B when its measured steady bitrate x (1 + headroom) <= B;
// - the layer forwarded is the one with the best score at the render size among the layers that fit
//   (ties: the cheaper one); none when nothing fits;
// - hysteresis per layer, so an SFU does not flap between two layers on a noisy estimate:
//     down-switch: leave the layer when B <  bitrate x (1 + headroom)                     (= its fit point)
//     up-switch:   move up to it when  B >= bitrate x (1 + headroom) x (1 + hysteresis)
//   so up > down whenever hysteresis > 0. The table cells themselves use the fit point (steady state).
// - temporal operating points (a layer forwarded at temporal level t < its top, measured by measure
//   --temporal-layers) are candidates under the same rules: an SFU chooses (spatial, temporal)
//   together. Their bitrate is the layer's times the share of the layer's frame bytes they keep, so
//   the top level costs exactly the layer. Points under --min-fps are never chosen.
import type { QualityPoint, SelectableLayer, SelectionCell, LayerSelection } from './RecommendationTypes.js';
import { sentKbps } from './viewerSizeAnswer.js';

const round1 = (v: number) => Math.round(v * 10) / 10;

export interface SelectionOptions {
  headroom: number;
  hysteresis: number;
  tolerance: number;
  bandwidthsBps: readonly number[];
  /** Temporal operating points below this frame rate are left out (the layers at full rate never are). */
  minFps?: number;
}

/** One measured temporal level of a layer (quality.csv rows with temporal_layer). */
export interface TemporalLevelPoint {
  scenarioId: string;
  rid: string;
  temporalLayer: number;
  fps?: number;
  /** Bytes of the forwarded frames over the window, kbit/s (op_kbps). */
  opKbps: number;
  /** Score at each measured size. */
  scores: Record<string, number>;
}

/**
 * The sender scenario's layers as SFU candidates.
 * @param spatialOrder rids ordered from lowest to highest resolution (mediasoup's spatial layer order)
 * @param temporalLayers temporal layer count per rid
 */
export function selectableLayers(
  senderPoints: readonly QualityPoint[],
  spatialOrder: readonly string[],
  temporalLayers: ReadonlyMap<string, number>,
  options: Pick<SelectionOptions, 'headroom' | 'hysteresis'>,
): SelectableLayer[] {
  return senderPoints
    .map((p) => {
      const kbps = sentKbps(p);
      const required = kbps * (1 + options.headroom);
      const scores: Record<string, number> = {};
      for (const [size, s] of Object.entries(p.sizes)) if (s.score !== undefined) scores[size] = s.score;
      return {
        rid: p.rid,
        layer: p.layer,
        scenarioId: p.scenarioId,
        kbps: round1(kbps),
        requiredKbps: round1(required),
        upSwitchKbps: round1(required * (1 + options.hysteresis)),
        downSwitchKbps: round1(required),
        spatialLayer: Math.max(0, spatialOrder.indexOf(p.rid)),
        temporalLayer: Math.max(0, (temporalLayers.get(p.rid) ?? 1) - 1),
        scores,
      };
    })
    .sort((a, b) => a.spatialLayer - b.spatialLayer);
}

/**
 * The temporal levels below each layer's top as SFU candidates. The top level is the layer itself;
 * a lower level's bitrate is the layer's scaled by its share of the top level's frame bytes.
 */
export function temporalCandidates(
  layers: readonly SelectableLayer[],
  levels: readonly TemporalLevelPoint[],
  options: Pick<SelectionOptions, 'headroom' | 'hysteresis'>,
): SelectableLayer[] {
  const out: SelectableLayer[] = [];
  for (const l of layers) {
    const own = levels
      .filter((p) => p.scenarioId === l.scenarioId && p.rid === l.rid)
      .sort((a, b) => a.temporalLayer - b.temporalLayer);
    const top = own[own.length - 1];
    if (!top || !(top.opKbps > 0)) continue;
    for (const p of own.slice(0, -1)) {
      const kbps = (l.kbps * p.opKbps) / top.opKbps;
      const required = kbps * (1 + options.headroom);
      const c: SelectableLayer = {
        ...l,
        kbps: round1(kbps),
        requiredKbps: round1(required),
        upSwitchKbps: round1(required * (1 + options.hysteresis)),
        downSwitchKbps: round1(required),
        temporalLayer: p.temporalLayer,
        scores: { ...p.scores },
      };
      if (p.fps !== undefined) c.fps = p.fps;
      out.push(c);
    }
  }
  return out;
}

/** The layer (and temporal layer) to forward at one size and bandwidth (kbps), with a cheaper near-equal alternative. */
export function selectLayer(
  layers: readonly SelectableLayer[],
  size: string,
  bandwidthKbps: number,
  tolerance: number,
  temporal = false,
): SelectionCell {
  const fitting = layers
    .filter((l) => l.scores[size] !== undefined && l.requiredKbps <= bandwidthKbps)
    .sort((a, b) => b.scores[size] - a.scores[size] || a.kbps - b.kbps);
  const chosen = fitting[0];
  if (!chosen) return { size, bandwidthKbps, rid: null };
  const cell: SelectionCell = {
    size,
    bandwidthKbps,
    rid: chosen.rid,
    score: chosen.scores[size],
    kbps: chosen.kbps,
    requiredKbps: chosen.requiredKbps,
  };
  if (temporal) cell.temporalLayer = chosen.temporalLayer;
  if (temporal && chosen.fps !== undefined) cell.fps = chosen.fps;
  const cheaper = fitting
    .filter((l) => l !== chosen && l.kbps < chosen.kbps && l.scores[size] >= chosen.scores[size] - tolerance)
    .sort((a, b) => a.kbps - b.kbps)[0];
  if (cheaper)
    cell.cheaper = {
      rid: cheaper.rid,
      kbps: cheaper.kbps,
      score: cheaper.scores[size],
      ...(temporal ? { temporalLayer: cheaper.temporalLayer } : {}),
    };
  return cell;
}

export function layerSelection(
  layers: SelectableLayer[],
  sizes: readonly string[],
  options: SelectionOptions,
  temporalPoints: SelectableLayer[] = [],
): LayerSelection {
  const bandwidthsKbps = [...options.bandwidthsBps].sort((a, b) => a - b).map((b) => b / 1000);
  const temporal = temporalPoints.length > 0;
  const allowed = temporalPoints.filter(
    (p) => options.minFps === undefined || p.fps === undefined || p.fps >= options.minFps,
  );
  const candidates = [...layers, ...allowed];
  const table: SelectionCell[] = [];
  for (const size of sizes)
    for (const b of bandwidthsKbps) table.push(selectLayer(candidates, size, b, options.tolerance, temporal));
  return { sizes: [...sizes], bandwidthsKbps, layers, ...(temporal ? { temporalPoints } : {}), table };
}
