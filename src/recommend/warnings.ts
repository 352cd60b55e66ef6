// Warnings in plain words, where the data itself says something the user should know before
// trusting or shipping a recommendation.
import type { RunRecord } from '../rundir/RunTypes.js';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import type { LayerAdvice, MetricChoice, QualityPoint, RecommendationWarning } from './RecommendationTypes.js';
import { area } from './qualityTable.js';
import { sentKbps } from './viewerSizeAnswer.js';

/** Dropped source frames above this share of the measured window are worth saying. */
export const DROPPED_SHARE = 0.05;

const kbpsText = (kbps: number) => `${Math.round(kbps)} kbps`;

function gapText(metric: MetricChoice, gap: number): string {
  return metric.name === 'vmaf' ? `${gap.toFixed(1)} VMAF` : `${gap.toFixed(2)} dB PSNR-Y`;
}

/**
 * The seed article's finding, when the data shows it: at a render size equal to a layer's own size,
 * a larger layer of the same sender scaled down scores `warnGap` or more above it.
 */
export function beatenByLargerWarnings(
  codec: Codec,
  senderPoints: readonly QualityPoint[],
  viewports: readonly string[],
  metric: MetricChoice,
  warnGap: number,
): RecommendationWarning[] {
  const out: RecommendationWarning[] = [];
  for (const size of viewports) {
    for (const own of senderPoints.filter((p) => p.layer === size)) {
      const ownScore = own.sizes[size]?.score ?? own.sizes.native?.score;
      if (ownScore === undefined) continue;
      // The larger layer that beats it most (one warning per layer and size).
      let worst: { larger: QualityPoint; gap: number } | undefined;
      for (const larger of senderPoints) {
        if (larger === own || area(larger.layer) <= area(own.layer)) continue;
        const score = larger.sizes[size]?.score;
        if (score === undefined || score - ownScore < warnGap) continue;
        if (!worst || score - ownScore > worst.gap) worst = { larger, gap: score - ownScore };
      }
      if (!worst) continue;
      out.push({
        kind: 'beaten-by-larger',
        codec,
        rid: own.rid,
        scenarioId: own.scenarioId,
        size,
        message:
          `at ${size} the ${own.rid} layer (${kbpsText(sentKbps(own))}) scores ${gapText(metric, worst.gap)} below ` +
          `${worst.larger.rid} scaled down (${kbpsText(sentKbps(worst.larger))}) in ${own.scenarioId}`,
      });
    }
  }
  return out;
}

/** Capture validity problems (run.json) of the layers that were measured. */
export function captureProblemWarnings(run: RunRecord, points: readonly QualityPoint[]): RecommendationWarning[] {
  const out: RecommendationWarning[] = [];
  for (const p of points) {
    const s = run.scenarios.find((x) => x.id === p.scenarioId);
    for (const problem of s?.problems.filter((x) => x.rid === p.rid) ?? []) {
      out.push(
        problem.kind === 'cpu-limited'
          ? {
              kind: 'cpu-limited',
              codec: p.codec,
              rid: p.rid,
              scenarioId: p.scenarioId,
              message: `layer ${p.rid} of ${p.scenarioId} is CPU-limited (${problem.message}): its scores understate what the encoder does on a faster machine`,
            }
          : {
              kind: 'capture-problem',
              codec: p.codec,
              rid: p.rid,
              scenarioId: p.scenarioId,
              message: `layer ${p.rid} of ${p.scenarioId}: ${problem.message}`,
            },
      );
    }
  }
  return out;
}

export function measurementWarnings(points: readonly QualityPoint[]): RecommendationWarning[] {
  const out: RecommendationWarning[] = [];
  for (const p of points) {
    if (p.pairingDoubtful) {
      out.push({
        kind: 'low-alignment',
        codec: p.codec,
        rid: p.rid,
        scenarioId: p.scenarioId,
        message: `the pairing of ${p.rid} in ${p.scenarioId} with its source frames is doubtful (more than 1% of its pictures ambiguous at full size): its scores may describe the wrong pictures`,
      });
    }
    if (p.frames > 0 && p.dropped / p.frames > DROPPED_SHARE) {
      out.push({
        kind: 'dropped-frames',
        codec: p.codec,
        rid: p.rid,
        scenarioId: p.scenarioId,
        message: `${p.rid} in ${p.scenarioId} dropped ${p.dropped} of ${p.frames} frames in the measured window (${Math.round((p.dropped / p.frames) * 100)} %)`,
      });
    }
  }
  return out;
}

export function metricWarnings(metric: MetricChoice): RecommendationWarning[] {
  if (!metric.fallback) return [];
  return [
    {
      kind: 'vmaf-missing',
      message: `VMAF is missing (${metric.reason ?? 'no VMAF scores'}): every decision uses PSNR-Y instead; targets and thresholds are in dB`,
    },
  ];
}

export function adviceWarnings(advice: readonly LayerAdvice[], metric: MetricChoice): RecommendationWarning[] {
  const out: RecommendationWarning[] = [];
  for (const a of advice) {
    if (!a.advice) continue;
    const r = a.advice.rule;
    if (r === 'knee' || r === 'highest' || r === 'below-range') {
      out.push({
        kind: r === 'below-range' ? 'below-range' : 'knee',
        codec: a.codec,
        rid: a.rid,
        message: `${a.codec} ${a.rid}: ${a.advice.explanation[0]}`,
      });
    }
    const wantedBps = a.advice.wantedKbps * 1000;
    if (Math.abs(a.advice.predictedBps - wantedBps) > Math.max(2000, wantedBps * 0.02)) {
      out.push({
        kind: 'model-mismatch',
        codec: a.codec,
        rid: a.rid,
        message: `${a.codec} ${a.rid}: the allocation model gives ${Math.round(a.advice.predictedBps / 1000)} kbps for maxBitrate ${Math.round(a.advice.maxBitrate / 1000)} kbps, not the wanted ${a.advice.wantedKbps} kbps (${metric.name} advice may need a manual check)`,
      });
    }
  }
  return out;
}

/**
 * libwebrtc orders layers by max bitrate, not by position: a recommended maxBitrate that puts a
 * smaller layer above a larger one changes which layer is "top" and so every other layer's rule.
 */
export function layerOrderWarnings(codec: Codec, encodings: readonly RtpEncodingParameters[]): RecommendationWarning[] {
  const active = encodings
    .filter((e) => e.active && e.maxBitrate !== undefined)
    .sort((a, b) => b.scaleResolutionDownBy - a.scaleResolutionDownBy);
  const out: RecommendationWarning[] = [];
  for (let i = 0; i + 1 < active.length; i++) {
    const lo = active[i];
    const hi = active[i + 1];
    if (lo.maxBitrate! >= hi.maxBitrate!) {
      out.push({
        kind: 'layer-order',
        codec,
        rid: lo.rid,
        message: `${codec}: recommended maxBitrate of ${lo.rid} (${Math.round(lo.maxBitrate! / 1000)} kbps) is not below that of the larger ${hi.rid} (${Math.round(hi.maxBitrate! / 1000)} kbps); Chrome orders layers by max bitrate, so the roles would change: check the advice`,
      });
    }
  }
  return out;
}
