// Model vs browser: after each scenario, simq's allocation model (src/allocation) predicts each
// layer's target for the same scenario, input and cap; the comparison is stored in run.json and
// shown in the summary, and layers off by more than 10% are flagged. The browser is the truth:
// a flag means the model (or this Chrome) changed, not that the capture is wrong.
import { inputFromLayerSizes } from '../allocation/LayerResolution.js';
import { predictAllocation } from '../allocation/predictAllocation.js';
import type { ModelComparison, RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';

export const MODEL_TOLERANCE = 0.1;

const kbps = (bps: number) => Math.round(bps / 100) / 10;

export function compareWithModel(entry: ScenarioRecord, run: RunRecord): ModelComparison | undefined {
  if (entry.layers.length === 0) return undefined;
  const configured = { width: run.input.width, height: run.input.height };
  const size = inputFromLayerSizes(
    configured,
    entry.layers
      .filter((l) => l.active && l.steady?.fps)
      .map((l) => ({ width: l.steady?.width, height: l.steady?.height, scaleResolutionDownBy: entry.scenario.encodings.find((e) => e.rid === l.rid)?.scaleResolutionDownBy ?? 1 })),
  );
  const prediction = predictAllocation(entry.scenario, { ...size, fps: run.input.fps });
  // Under a binding cap the adjuster's factor is only known after encoding: a target inside the
  // predicted range (10% at the edges) is no disagreement.
  const outside = (measured: number, range: [number, number]) => measured < range[0] * (1 - MODEL_TOLERANCE) || measured > range[1] * (1 + MODEL_TOLERANCE);
  const layers = prediction.layers.map((p) => {
    const measured = entry.layers.find((l) => l.rid === p.rid);
    const measuredOn = Boolean(measured?.active && measured.steady?.fps);
    const predictedOn = p.state === 'on';
    const measuredTarget = measured?.steady?.targetKbpsMedian;
    const predictedTarget = predictedOn ? kbps(p.predictedTargetBps) : undefined;
    const deviation = measuredTarget !== undefined && predictedTarget ? (measuredTarget - predictedTarget) / predictedTarget : undefined;
    const range = predictedOn && p.predictedRangeBps ? (p.predictedRangeBps.map(kbps) as [number, number]) : undefined;
    const off = range && measuredTarget !== undefined ? outside(measuredTarget, range) : deviation !== undefined && Math.abs(deviation) > MODEL_TOLERANCE;
    return {
      rid: p.rid,
      predictedState: p.state,
      measuredOn,
      predictedTargetKbps: predictedTarget,
      predictedAllocatedKbps: predictedOn ? kbps(p.allocatedBps) : undefined,
      ...(range ? { predictedRangeKbps: range } : {}),
      measuredTargetKbps: measuredTarget,
      measuredActualKbps: measured?.steady?.actualKbpsMean,
      deviation: deviation === undefined ? undefined : Math.round(deviation * 1000) / 1000,
      flagged: predictedOn !== measuredOn || off,
    };
  });
  return {
    tolerance: MODEL_TOLERANCE,
    input: size,
    inputScaledByBrowser: size.width !== configured.width || size.height !== configured.height,
    activeSetMatches: layers.every((l) => (l.predictedState === 'on') === l.measuredOn),
    predictedActive: prediction.activeRids,
    layers,
  };
}

/** The capture stage's per-scenario hook. */
export function attachModelComparison(entry: ScenarioRecord, run: RunRecord): void {
  if (entry.status !== 'complete' && entry.status !== 'degraded') return;
  entry.model = compareWithModel(entry, run);
}
