// Per layer: the quality-vs-bitrate curve at native size and the maxBitrate to recommend.
//
// The curve is the upper envelope of the measured points (x = the layer's steady target bitrate, the
// number maxBitrate controls; y = the metric at native size): a point stays only if no cheaper point
// scores as high, so noise between repeated measurements never makes the curve go down.
//
// The wanted bitrate is the lowest one reaching the target score:
// - interpolated linearly between the last curve point below the target and the first at or above it,
//   when those two are at most INTERPOLATION_MAX_RATIO apart in kbps (closer points make a straight
//   line a fair guess; farther ones do not, and the measured point above is used);
// - the cheapest measured point itself when it already reaches the target ("below-range");
// - when no point reaches the target, the knee: the first curve point after which one more 100 kbps
//   buys less than `kneeSlopePer100Kbps` metric units (to the next curve point); if the curve never
//   flattens that much, its last point ("highest").
// Chrome's rules then turn the wanted bitrate into a maxBitrate (chromeMaxBitrate.ts).
import type {
  CurvePoint,
  LayerRole,
  MaxBitrateAdvice,
  MaxBitrateRule,
  MetricChoice,
  QualityPoint,
} from './RecommendationTypes.js';
import { maxBitrateForWanted, type SenderConfig } from './chromeMaxBitrate.js';

/** Interpolate only between points at most this far apart (higher kbps / lower kbps). */
export const INTERPOLATION_MAX_RATIO = 2;

export interface CurveOptions {
  metric: MetricChoice;
  targetScore: number;
  kneeSlopePer100Kbps: number;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function unitName(metric: MetricChoice): string {
  return metric.name === 'vmaf' ? 'VMAF' : 'PSNR-Y';
}

function fmtScore(metric: MetricChoice, v: number): string {
  return metric.name === 'vmaf' ? v.toFixed(1) : `${v.toFixed(2)} dB`;
}

/** Upper envelope of (kbps, native score), cheapest first; points without a native score are skipped. */
export function qualityCurve(points: readonly QualityPoint[]): CurvePoint[] {
  const scored = points
    .map((p) => ({ kbps: p.kbps, score: p.sizes.native?.score, scenarioId: p.scenarioId }))
    .filter((p): p is CurvePoint => p.score !== undefined)
    .sort((a, b) => a.kbps - b.kbps || b.score - a.score);
  const curve: CurvePoint[] = [];
  for (const p of scored) {
    if (curve.length === 0 || p.score > curve[curve.length - 1].score) curve.push(p);
  }
  return curve;
}

/** Gain per 100 kbps from curve point i to i + 1. */
export function slopePer100Kbps(curve: readonly CurvePoint[], i: number): number {
  const a = curve[i];
  const b = curve[i + 1];
  return (b.score - a.score) / ((b.kbps - a.kbps) / 100);
}

export interface WantedBitrate {
  rule: MaxBitrateRule;
  /** kbps, not yet rounded. */
  wantedKbps: number;
  expectedScore: number;
  measured: CurvePoint;
  below?: CurvePoint;
  explanation: string;
}

/** Where on the curve the target is reached (or the knee when it is not). `curve` must be non-empty. */
export function wantedBitrate(curve: readonly CurvePoint[], options: CurveOptions): WantedBitrate {
  const { metric, targetScore: target } = options;
  const name = unitName(metric);
  const at = (p: CurvePoint) => `${round(p.kbps, 1)} kbps (${fmtScore(metric, p.score)}, ${p.scenarioId})`;
  const idx = curve.findIndex((p) => p.score >= target);
  if (idx === 0) {
    const p = curve[0];
    return {
      rule: 'below-range',
      wantedKbps: p.kbps,
      expectedScore: p.score,
      measured: p,
      explanation: `${name} ${fmtScore(metric, target)} is already reached at the cheapest measured point, ${at(p)}: a lower bitrate may reach it too (sweep lower to find out)`,
    };
  }
  if (idx > 0) {
    const lo = curve[idx - 1];
    const hi = curve[idx];
    if (hi.kbps <= INTERPOLATION_MAX_RATIO * lo.kbps) {
      const wanted = lo.kbps + ((target - lo.score) * (hi.kbps - lo.kbps)) / (hi.score - lo.score);
      return {
        rule: 'interpolated',
        wantedKbps: wanted,
        expectedScore: target,
        measured: hi,
        below: lo,
        explanation: `${name} ${fmtScore(metric, target)} at native size lies between ${at(lo)} and ${at(hi)}: ${round(wanted, 1)} kbps by linear interpolation`,
      };
    }
    return {
      rule: 'measured',
      wantedKbps: hi.kbps,
      expectedScore: hi.score,
      measured: hi,
      explanation:
        `${name} ${fmtScore(metric, target)} is first reached at ${at(hi)}; the point below, ${at(lo)}, is more than ` +
        `${INTERPOLATION_MAX_RATIO}x cheaper, too far for a straight line, so the measured point is used`,
    };
  }
  const best = curve[curve.length - 1];
  for (let i = 0; i + 1 < curve.length; i++) {
    const slope = slopePer100Kbps(curve, i);
    if (slope < options.kneeSlopePer100Kbps) {
      const p = curve[i];
      return {
        rule: 'knee',
        wantedKbps: p.kbps,
        expectedScore: p.score,
        measured: p,
        explanation:
          `${name} ${fmtScore(metric, target)} is out of reach (best ${at(best)}); knee of the curve at ${at(p)}: ` +
          `beyond it each 100 kbps adds only ${round(slope, 2)} (< ${options.kneeSlopePer100Kbps}) up to ${round(curve[i + 1].kbps, 1)} kbps`,
      };
    }
  }
  return {
    rule: 'highest',
    wantedKbps: best.kbps,
    expectedScore: best.score,
    measured: best,
    explanation:
      curve.length === 1
        ? `${name} ${fmtScore(metric, target)} is out of reach and only one bitrate was measured (${at(best)}): no knee can be found; sweep this layer's maxBitrate`
        : `${name} ${fmtScore(metric, target)} is out of reach and the curve still climbs by at least ${options.kneeSlopePer100Kbps} per 100 kbps up to its last point, ${at(best)}: measure higher bitrates; the highest measured point is used`,
  };
}

/** The full advice for one layer: wanted bitrate, then the maxBitrate Chrome needs for it. */
export function maxBitrateAdvice(
  curve: readonly CurvePoint[],
  options: CurveOptions,
  sender: SenderConfig,
  rid: string,
  role: LayerRole,
): MaxBitrateAdvice {
  const w = wantedBitrate(curve, options);
  const wantedKbps = Math.ceil(w.wantedKbps - 1e-9);
  const chrome = maxBitrateForWanted(sender, rid, wantedKbps * 1000, role);
  // Rounding the wanted bitrate up moves an interpolated point a little up the line.
  const expected =
    w.rule === 'interpolated' && w.below
      ? w.below.score +
        ((wantedKbps - w.below.kbps) * (w.measured.score - w.below.score)) / (w.measured.kbps - w.below.kbps)
      : w.expectedScore;
  const advice: MaxBitrateAdvice = {
    rule: w.rule,
    role,
    wantedKbps,
    maxBitrate: chrome.maxBitrate,
    tableTargetBps: chrome.tableTargetBps,
    predictedBps: chrome.predictedBps,
    expectedScore: round(expected, 3),
    measured: w.measured,
    explanation: [w.explanation, chrome.explanation],
  };
  if (w.below) advice.below = w.below;
  return advice;
}
