// The validity guard: a layer that was CPU-starved, encoded below its configured resolution or
// frame rate, or whose captured frames do not add up, gives numbers that do not describe the
// configuration under test. Such runs are flagged, and the CLI exits non-zero unless --allow-degraded.
import type { LayerRecord, ValidityProblem } from '../rundir/RunTypes.js';

/** Seconds of steady state a layer may spend CPU-limited before the run is flagged (timer granularity). */
export const CPU_LIMITED_TOLERANCE_S = 0.1;
/** Fraction of the configured frame rate below which a layer is flagged (the fake camera's timer jitters by a few %). */
export const FRAMERATE_TOLERANCE = 0.9;
/** Pixels a layer may differ from input / scaleResolutionDownBy (libwebrtc rounds and aligns sizes). */
export const RESOLUTION_TOLERANCE_PX = 2;

export function checkLayer(layer: LayerRecord, capped: boolean): ValidityProblem[] {
  const problems: ValidityProblem[] = [];
  if (!layer.active) return problems;
  const { rid, steady, configured } = layer;
  if (Math.abs(layer.framesCaptured - layer.framesEncoded) > 1) {
    problems.push({
      rid,
      kind: 'frame-count',
      message: `${rid}: captured ${layer.framesCaptured} frames but outbound-rtp.framesEncoded is ${layer.framesEncoded}`,
    });
  }
  if (!steady || steady.fps === undefined || steady.fps === 0) {
    // Under a bandwidth cap the allocator may switch a layer off: that is the behaviour under test.
    if (!capped) problems.push({ rid, kind: 'missing', message: `${rid}: no frames encoded in steady state` });
    return problems;
  }
  if (steady.limitationS.cpu > CPU_LIMITED_TOLERANCE_S) {
    problems.push({
      rid,
      kind: 'cpu-limited',
      message: `${rid}: CPU-limited for ${steady.limitationS.cpu.toFixed(1)} s of ${steady.seconds.toFixed(1)} s steady state (qualityLimitationReason=cpu)`,
    });
  }
  if (steady.width !== undefined && steady.height !== undefined) {
    if (steady.width < configured.width - RESOLUTION_TOLERANCE_PX || steady.height < configured.height - RESOLUTION_TOLERANCE_PX) {
      problems.push({
        rid,
        kind: 'low-resolution',
        message: `${rid}: encoded at ${steady.width}x${steady.height}, configured ${configured.width}x${configured.height}`,
      });
    }
  }
  if (steady.fps < configured.fps * FRAMERATE_TOLERANCE) {
    problems.push({
      rid,
      kind: 'low-framerate',
      message: `${rid}: ${steady.fps.toFixed(1)} fps in steady state, configured ${configured.fps} fps`,
    });
  }
  return problems;
}
