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

/** kTemporalLayeringRateScalingFactor (modules/video_coding/svc/svc_rate_allocator.cc). */
export const SVC_TEMPORAL_SCALING = 0.55;

/**
 * SvcRateAllocator's split of one spatial layer over its temporal layers (a single VP9/AV1 stream,
 * not simulcast): SplitBitrate gives layer k a weight 0.55^(n-1-k) / sum, the rounding loss goes to
 * the last share; T2 gets the shares in order (TL0 the larger), T3 assigns the largest to TL0, the
 * smallest to TL1 and the middle one to TL2 (TL2 has two frames per group). Per layer, bps.
 * AV1 L1T3 at 1024 kbps: 553 / 167 / 304 kbps (svc_rate_allocator_unittest.cc).
 */
export function splitTemporalSvc(layerBps: number, temporalLayers: number): number[] {
  if (layerBps <= 0) return [];
  const n = Math.max(1, Math.min(3, temporalLayers));
  let denominator = 0;
  for (let k = 0; k < n; k++) denominator += SVC_TEMPORAL_SCALING ** k;
  let numerator = SVC_TEMPORAL_SCALING ** (n - 1);
  const shares: number[] = [];
  for (let k = 0; k < n; k++) {
    shares.push(Math.round((numerator * layerBps) / denominator));
    numerator /= SVC_TEMPORAL_SCALING;
  }
  shares[n - 1] += layerBps - shares.reduce((s, v) => s + v, 0);
  if (n === 1) return [shares[0]];
  if (n === 2) return [shares[1], shares[0]];
  return [shares[2], shares[0], shares[1]];
}
