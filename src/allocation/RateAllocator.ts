// Splitting the encoder's total target over simulcast layers, following
// modules/video_coding/utility/simulcast_rate_allocator.cc (DistributeAllocationToSimulcastLayers,
// DefaultTemporalLayerAllocation). Layer bitrates are whole kbps there (VideoCodec::simulcastStream).

export interface AllocatorLayer {
  minBps: number;
  targetBps: number;
  maxBps: number;
  active: boolean;
  temporalLayers: number;
}

export interface AllocatorOptions {
  /** Layer indices ordered by max bitrate (stable), as libwebrtc walks them. */
  order: readonly number[];
  /** Factor on min for a layer that was off and is switching on (1.2 camera, 1.35 screen). */
  hysteresis: number;
  /**
   * Which layers were enabled by the previous allocation. Omitted for the very first allocation of a
   * stream, which applies no hysteresis.
   */
  previouslyEnabled?: readonly boolean[];
}

export interface LayerSplit {
  /** Per layer, in the caller's index order. 0 = not sent. */
  bps: number[];
  enabled: boolean[];
  /** True when an active layer stayed off for lack of bitrate. */
  bandwidthLimited: boolean;
}

/**
 * 1. Walk active layers from the lowest max bitrate up; the first active layer always gets at least
 *    its min, even if the total is smaller.
 * 2. A layer is switched on only if what is left covers its min (x hysteresis, capped at its target,
 *    when it was off); otherwise it and all layers above stay off.
 * 3. Each switched-on layer gets up to its target; what is left goes to the highest switched-on
 *    layer, up to its max.
 */
export function allocateSimulcast(
  layers: readonly AllocatorLayer[],
  totalBps: number,
  options: AllocatorOptions,
): LayerSplit {
  const bps = layers.map(() => 0);
  const enabled = layers.map(() => false);
  let bandwidthLimited = false;
  const order = options.order;
  const firstPos = order.findIndex((i) => layers[i].active);
  if (firstPos < 0) return { bps, enabled, bandwidthLimited };

  let left = Math.max(Math.max(0, totalBps), layers[order[firstPos]].minBps);
  let top = order[firstPos];
  for (let pos = firstPos; pos < order.length; pos++) {
    const i = order[pos];
    const layer = layers[i];
    if (!layer.active) continue;
    let needed = layer.minBps;
    if (options.previouslyEnabled && !options.previouslyEnabled[i]) {
      needed = Math.min(Math.round(options.hysteresis * layer.minBps), layer.targetBps);
    }
    if (left < needed) {
      bandwidthLimited = true;
      break;
    }
    top = i;
    enabled[i] = true;
    const rate = Math.min(left, layer.targetBps);
    bps[i] = rate;
    left -= rate;
  }
  // libwebrtc hands the rest to the top layer even if hysteresis kept the first layer "off".
  if (left > 0) {
    const extra = Math.min(left, layers[top].maxBps - bps[top]);
    if (extra > 0) bps[top] += extra;
    if (bps[top] > 0) enabled[top] = true;
  }
  return { bps, enabled, bandwidthLimited };
}

/** Cumulative share of each temporal layer (kLayerRateAllocation; base-heavy: 60/20/20). */
export function temporalShares(temporalLayers: number, baseHeavy = false): number[] {
  if (temporalLayers === 3 && baseHeavy) return [0.6, 0.8, 1.0];
  switch (temporalLayers) {
    case 1:
      return [1.0];
    case 2:
      return [0.6, 1.0];
    case 3:
      return [0.4, 0.6, 1.0];
    default:
      return [0.25, 0.4, 0.6, 1.0].slice(0, Math.max(1, Math.min(4, temporalLayers)));
  }
}

/** A layer's bitrate split over its temporal layers, per layer (not cumulative), in whole kbps x 1000. */
export function splitTemporal(layerBps: number, temporalLayers: number, baseHeavy = false): number[] {
  const kbps = Math.trunc(layerBps / 1000);
  if (kbps <= 0) return [];
  const cumulative = temporalShares(temporalLayers, baseHeavy).map((share) =>
    Math.trunc(kbps * Math.fround(share) + 0.5),
  );
  const out: number[] = [];
  let sum = 0;
  for (const c of cumulative) {
    out.push((c - sum) * 1000);
    sum = c;
    if (sum >= kbps) break;
  }
  return out;
}
