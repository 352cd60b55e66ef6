// How libwebrtc splits one SVC stream's bitrate over its spatial and temporal layers
// (modules/video_coding/svc/svc_rate_allocator.cc, real-time video; the stable-rate field trial
// is off by default). Rates are whole bits per second as DataRate keeps them, and each scaling
// step rounds as DataRate's `* double` and `/ double` do (llround, rtc_base/units/unit_base.h).
import { parseScalabilityMode } from '../scenario/ScalabilityMode.js';
import type { SvcAllocation, SvcConfiguration, SvcSpatialLayer } from './SvcTypes.js';

/** kSpatialLayeringRateScalingFactor and kTemporalLayeringRateScalingFactor: 0.55f, a float used in double arithmetic. */
export const SVC_LAYER_SCALING = Math.fround(0.55);

/** C's llround for the non-negative rates used here. */
const llround = (v: number): number => Math.round(v);

/**
 * SplitBitrate: layer i gets 0.55^(n-1-i) / sum of 0.55^k of the total (the top layer the most), the
 * rounding difference goes to the last layer.
 */
export function splitBitrate(layers: number, totalBps: number, scaling = SVC_LAYER_SCALING): number[] {
  let denominator = 0;
  for (let i = 0; i < layers; i++) denominator += scaling ** i;
  let numerator = scaling ** (layers - 1);
  const out: number[] = [];
  for (let i = 0; i < layers; i++) {
    out.push(llround(llround(totalBps * numerator) / denominator));
    numerator /= scaling;
  }
  const sum = out.reduce((a, b) => a + b, 0);
  out[layers - 1] += totalBps - sum;
  return out;
}

/**
 * AdjustAndVerify: each layer's share plus what the layer below could not use, capped at its max;
 * the list stops at the first layer below its min (one layer alone is kept whatever its rate).
 */
export function adjustAndVerify(layers: readonly SvcSpatialLayer[], first: number, rates: readonly number[]): number[] {
  const out: number[] = [];
  let excess = 0;
  for (let i = 0; i < rates.length; i++) {
    const { minBps, maxBps } = layers[first + i];
    const rate = rates[i] + excess;
    if (rate < minBps) return rates.length === 1 ? [...rates] : out;
    excess = Math.max(0, rate - maxBps);
    out.push(Math.min(rate, maxBps));
  }
  return out;
}

/** GetActiveSpatialLayers: the first active layer and how many active layers follow it without a gap. */
export function activeSpatialLayers(layers: readonly SvcSpatialLayer[]): { first: number; count: number } {
  let first = 0;
  while (first < layers.length && !layers[first].active) first++;
  let last = first;
  while (last < layers.length && layers[last].active) last++;
  return { first, count: last - first };
}

/**
 * FindLayerTogglingThreshold (real-time video): the lowest total at which `count` layers all pass
 * AdjustAndVerify, by bisection between the lower layers' mins (+ the top's min) and their maxes.
 */
function togglingThreshold(layers: readonly SvcSpatialLayer[], first: number, count: number): number {
  if (count === 1) return layers[0].minBps;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < count - 1; i++) {
    lower += layers[first + i].minBps;
    upper += layers[first + i].maxBps;
  }
  upper += layers[first + count - 1].minBps;
  while (upper - lower > 1) {
    // DataRate / 2 is integer division.
    const tryRate = Math.trunc((lower + upper) / 2);
    if (adjustAndVerify(layers, first, splitBitrate(count, tryRate)).length === count) upper = tryRate;
    else lower = tryRate;
  }
  return upper;
}

/** GetLayerStartBitrates: the total each number of active layers needs (index 0: one layer). */
export function layerStartBitrates(layers: readonly SvcSpatialLayer[]): number[] {
  const active = activeSpatialLayers(layers);
  return Array.from({ length: active.count }, (_, i) => togglingThreshold(layers, active.first, i + 1));
}

/**
 * GetNumLayers: the spatial and temporal layer counts of the codec's scalability mode; spatialLayers
 * entries past the mode's count are ignored. Without a mode (VP9 set up by layer counts, as the
 * upstream tests' Configure helper does), the configured layers and the top one's temporal count.
 */
export function svcLayerCounts(config: SvcConfiguration): { spatial: number; temporal: number } {
  const mode = parseScalabilityMode(config.mode);
  if (mode) return { spatial: mode.spatialLayers, temporal: mode.temporalLayers };
  return { spatial: config.layers.length, temporal: config.layers.at(-1)?.temporalLayers ?? 1 };
}

/** GetMaxBitrate: the active layers' max summed, capped at the codec max. */
export function svcMaxBitrate(config: SvcConfiguration): number {
  const layers = config.layers.slice(0, svcLayerCounts(config).spatial);
  const active = activeSpatialLayers(layers);
  let sum = 0;
  for (let i = 0; i < active.count; i++) sum += layers[active.first + i].maxBps;
  return config.codecMaxBps > 0 ? Math.min(sum, config.codecMaxBps) : sum;
}

/**
 * SplitBitrate over temporal layers, assigned as the allocator does: for T3 the largest share to T0,
 * the smallest to T1, the middle to T2 (two T2 frames per group of four); for T2 the larger to T0.
 */
export function temporalSplit(spatialBps: number, temporalLayers: number): number[] {
  const shares = splitBitrate(temporalLayers, spatialBps);
  if (temporalLayers === 1) return shares;
  if (temporalLayers === 2) return [shares[1], shares[0]];
  return [shares[2], shares[0], shares[1]];
}

/** SvcRateAllocator::Allocate for a total (bps). */
export function allocateSvc(config: SvcConfiguration, totalBps: number): SvcAllocation {
  const counts = svcLayerCounts(config);
  const layers = config.layers.slice(0, counts.spatial);
  const total = config.codecMaxBps > 0 ? Math.min(totalBps, config.codecMaxBps) : totalBps;
  const spatialBps = config.layers.map(() => 0);
  const temporalBps: number[][] = config.layers.map(() => []);
  const active = activeSpatialLayers(layers);
  if (active.count === 0) return { totalBps: total, enabledLayers: 0, spatialBps, temporalBps };
  // FindNumEnabledLayers: the first layer always, each next one when the total reaches its start rate.
  const starts = layerStartBitrates(layers);
  let enabled = 0;
  for (const start of starts) {
    if (enabled === 0 || start <= total) enabled++;
    else break;
  }
  const rates = adjustAndVerify(layers, active.first, splitBitrate(enabled, total));
  rates.forEach((bps, i) => {
    const s = active.first + i;
    spatialBps[s] = bps;
    temporalBps[s] = temporalSplit(bps, counts.temporal);
  });
  return { totalBps: total, enabledLayers: enabled, spatialBps, temporalBps };
}
