// The allocation model next to what the browser did, for one scenario: which layers are on, and each
// on layer's steady target against the model's. The capture stage stores this per scenario in
// run.json (src/capture/modelVsBrowser.ts); the validation matrix checks the committed cells with it
// (validationMatrix.ts). The browser is the truth: a disagreement means the model (or this Chrome)
// changed, not that the capture is wrong.
import type { ModelLayerComparison } from '../rundir/RunTypes.js';
import { inputFromLayerSizes } from './LayerResolution.js';
import { predictAllocation, type ScenarioForPrediction } from './predictAllocation.js';

/** A layer's measured steady target may differ this much from the model's and still agree. */
export const MODEL_TOLERANCE = 0.1;

export interface MeasuredLayer {
  rid: string;
  /** Sent in steady state. */
  on: boolean;
  /** Steady-state size (the browser's, when it scaled the input). */
  width?: number;
  height?: number;
  /** Steady outbound-rtp.targetBitrate, kbps. */
  targetKbps?: number;
  actualKbps?: number;
}

/** run.json's per-layer comparison (without the capture's flag) and the two ways it may agree. */
export interface LayerAgreement extends Omit<ModelLayerComparison, 'flagged'> {
  predictedOn: boolean;
  /** Same state, and the target within MODEL_TOLERANCE of the point prediction. */
  withinTolerance: boolean;
  /** Same state, and the target inside the predicted range (MODEL_TOLERANCE at its edges) or, without a range, within tolerance; or a borderline layer in the other state. */
  withinRange: boolean;
}

export interface ModelAgreement {
  /** The input size the prediction used: the browser's own when it scaled the input down. */
  input: { width: number; height: number };
  adapted: boolean;
  /** Every layer on or off as predicted, a borderline layer either way. */
  activeSetMatches: boolean;
  /** The estimate borderline layers were judged at, when it was below the cap. */
  estimateKbps?: number;
  predictedActive: string[];
  layers: LayerAgreement[];
}

const kbps = (bps: number) => Math.round(bps / 100) / 10;

/**
 * Predicts the scenario at the camera size (or the smaller one the browser used, from the layers'
 * steady sizes) and compares layer by layer. capBps: undefined = the scenario's own cap.
 * estimateBps: the sender's steady bandwidth estimate (outbound availableOutgoingBitrate, median),
 * when known. The model puts the estimate at the cap, where a loss-free loopback settles; on a loaded
 * machine it can settle lower (delay-based backoff), and the allocator follows the estimate. A layer
 * whose predicted state differs at that estimate is `borderline`: on or off are both right. The case
 * seen: VP8 all-layers at a 1500 kbps cap switches f on from a 1490 kbps estimate (11 kbps of margin);
 * a CI run had f off and was called a model miss.
 */
export function compareModelWithBrowser(
  scenario: ScenarioForPrediction,
  camera: { width: number; height: number; fps: number },
  measured: readonly MeasuredLayer[],
  capBps?: number | null,
  estimateBps?: number,
): ModelAgreement {
  const size = inputFromLayerSizes(
    { width: camera.width, height: camera.height },
    measured
      .filter((m) => m.on)
      .map((m) => ({
        width: m.width,
        height: m.height,
        scaleResolutionDownBy: scenario.encodings.find((e) => e.rid === m.rid)?.scaleResolutionDownBy ?? 1,
      })),
  );
  const prediction = predictAllocation(scenario, { ...size, fps: camera.fps }, capBps);
  const cap = capBps === undefined ? (scenario.bandwidthBps ?? null) : capBps;
  const atEstimate =
    cap !== null && estimateBps !== undefined && estimateBps < cap
      ? predictAllocation(scenario, { ...size, fps: camera.fps }, estimateBps)
      : undefined;
  const layers = prediction.layers.map((p, i): LayerAgreement => {
    const m = measured.find((x) => x.rid === p.rid);
    const measuredOn = Boolean(m?.on);
    const predictedOn = p.state === 'on';
    const borderline = atEstimate !== undefined && (atEstimate.layers[i].state === 'on') !== predictedOn;
    const measuredTarget = m?.targetKbps;
    const predictedTarget = predictedOn ? kbps(p.predictedTargetBps) : undefined;
    const deviation =
      measuredTarget !== undefined && predictedTarget
        ? (measuredTarget - predictedTarget) / predictedTarget
        : undefined;
    const range = predictedOn && p.predictedRangeBps ? (p.predictedRangeBps.map(kbps) as [number, number]) : undefined;
    const sameState = predictedOn === measuredOn;
    const withinTolerance = sameState && (deviation === undefined || Math.abs(deviation) <= MODEL_TOLERANCE);
    // Under a binding cap the adjuster's factor is only known after encoding: a target inside the
    // predicted range (10% at the edges) is no disagreement.
    const inRange =
      range && measuredTarget !== undefined
        ? measuredTarget >= range[0] * (1 - MODEL_TOLERANCE) && measuredTarget <= range[1] * (1 + MODEL_TOLERANCE)
        : withinTolerance;
    return {
      rid: p.rid,
      predictedState: p.state,
      predictedOn,
      measuredOn,
      predictedTargetKbps: predictedTarget,
      predictedAllocatedKbps: predictedOn ? kbps(p.allocatedBps) : undefined,
      ...(range ? { predictedRangeKbps: range } : {}),
      measuredTargetKbps: measuredTarget,
      measuredActualKbps: m?.actualKbps,
      deviation: deviation === undefined ? undefined : Math.round(deviation * 1000) / 1000,
      withinTolerance,
      // A borderline layer in the other state than predicted is no disagreement either.
      withinRange: sameState ? inRange : borderline,
      ...(borderline ? { borderline: true } : {}),
    };
  });
  return {
    input: size,
    adapted: size.width !== camera.width || size.height !== camera.height,
    activeSetMatches: layers.every((l) => l.predictedOn === l.measuredOn || l.borderline),
    ...(atEstimate ? { estimateKbps: kbps(estimateBps!) } : {}),
    predictedActive: prediction.activeRids,
    layers,
  };
}
