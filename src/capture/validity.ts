// The validity guard: a layer that was CPU-starved, encoded below its configured resolution or
// frame rate, or whose captured frames do not add up, gives numbers that do not describe the
// configuration under test. Such runs are flagged, and the CLI exits non-zero unless --allow-degraded.
import { isMoving } from '../link/LinkTypes.js';
import { predictAllocation } from '../allocation/predictAllocation.js';
import type { LayerRecord, SteadyState, ValidityProblem } from '../rundir/RunTypes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { browserProfile } from './BrowserProfile.js';
import { derivedCpuLimited } from './firefoxDerived.js';

/** Seconds of steady state a layer may spend CPU-limited before the run is flagged (timer granularity). */
export const CPU_LIMITED_TOLERANCE_S = 0.1;
/** Fraction of the configured frame rate below which a layer is flagged (the fake camera's timer jitters by a few %). */
export const FRAMERATE_TOLERANCE = 0.9;
/** Pixels a layer may differ from input / scaleResolutionDownBy (libwebrtc rounds and aligns sizes). */
export const RESOLUTION_TOLERANCE_PX = 2;

/**
 * Whether the layer encoded frames of its own in steady state. An SVC point's pictures fall back to a
 * lower spatial layer where the encoder skipped its own (svcCut.ts), so its frame rate stays up even
 * when the allocator never switched its layer on (svc_rate_allocator.cc: too little bitrate for it).
 */
export function sentInSteadyState(layer: LayerRecord): boolean {
  const { steady, svcPoint } = layer;
  if (!steady || steady.fps === undefined || steady.fps === 0) return false;
  return !(svcPoint?.steadyPictures && svcPoint.lowerLayerPictures === svcPoint.steadyPictures);
}

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
  } else if (layer.framesCaptured === 0 && steady?.fps && !layer.svcPoint) {
    // The stats' rates show frames sent, yet none passed the tap and framesEncoded is missing too.
    problems.push({
      rid,
      kind: 'frame-count',
      message: `${rid}: outbound-rtp shows it sent at ${steady.fps} fps, but no frame passed the tap`,
    });
  }
  if (!steady || steady.fps === undefined || steady.fps === 0 || !sentInSteadyState(layer)) {
    // Under a bandwidth cap the allocator may switch a layer off: that is the behaviour under test.
    if (!capped) {
      const message =
        layer.svcPoint && steady?.fps
          ? `${rid}: spatial layer ${layer.svcPoint.spatial} was never sent in steady state (all ${layer.svcPoint.steadyPictures} pictures show a lower layer)`
          : `${rid}: no frames encoded in steady state`;
      problems.push({ rid, kind: 'missing', message });
    }
    return problems;
  }
  if (steady.limitationS.cpu > CPU_LIMITED_TOLERANCE_S) {
    problems.push({
      rid,
      kind: 'cpu-limited',
      message: `${rid}: CPU-limited for ${steady.limitationS.cpu.toFixed(1)} s of ${steady.seconds.toFixed(1)} s steady state (qualityLimitationReason=cpu)`,
    });
  }
  if (derivedCpuLimited(layer.derived, steady.seconds)) {
    problems.push({
      rid,
      kind: 'cpu-limited',
      message: `${rid}: CPU-limited (derived: ${layer.derived!.cpuLimitedS!.toFixed(1)} s of ${steady.seconds.toFixed(1)} s steady state lost in gaps between encoded frames, longest ${layer.derived!.longestTapGapMs} ms; Firefox reports no qualityLimitationReason)`,
    });
  }
  if (steady.width !== undefined && steady.height !== undefined) {
    if (
      steady.width < configured.width - RESOLUTION_TOLERANCE_PX ||
      steady.height < configured.height - RESOLUTION_TOLERANCE_PX
    ) {
      problems.push({
        rid,
        kind: 'low-resolution',
        message: `${rid}: encoded at ${steady.width}x${steady.height}, configured ${configured.width}x${configured.height}`,
      });
    }
  }
  if (steady.fps < configured.fps * FRAMERATE_TOLERANCE && !rateControlExplains(steady, configured.fps)) {
    problems.push({
      rid,
      kind: 'low-framerate',
      message: `${rid}: ${steady.fps.toFixed(1)} fps in steady state, configured ${configured.fps} fps${sourceSlow(steady, configured.fps) ? `; the camera handed the encoder only ${steady.sourceFps!.toFixed(1)} fps (media-source)` : ''}`,
    });
  }
  return problems;
}

/**
 * A steady frame rate below the configured one that the encoder's own rate control accounts for: the
 * missing frames fell in seconds of QP pressure, and the other seconds ran at the configured rate
 * (src/capture/rateControl.ts). The configuration at work, reported as a note, not a CPU problem.
 */
function rateControlExplains(steady: SteadyState, configuredFps: number): boolean {
  const rc = steady.rateControl;
  if (!rc || rc.seconds === 0) return false;
  // Rate control can only drop frames the encoder was given: a camera (or a capture pipeline) slowed
  // by a busy CPU hands it fewer, and a layer that is also short of bits then reads QP pressure too.
  if (sourceSlow(steady, configuredFps)) return false;
  return rc.fpsOtherwise === undefined || rc.fpsOtherwise >= configuredFps * FRAMERATE_TOLERANCE;
}

/** The camera handed the encoder fewer frames than the layer is configured for (media-source.frames). */
function sourceSlow(steady: SteadyState, configuredFps: number): boolean {
  return steady.sourceFps !== undefined && steady.sourceFps < configuredFps * FRAMERATE_TOLERANCE;
}

/** The note of a layer whose low frame rate rate control explains (rateControlExplains). */
export function rateControlNote(layer: LayerRecord): string | undefined {
  const { steady, configured } = layer;
  if (!layer.active || steady?.fps === undefined || steady.fps >= configured.fps * FRAMERATE_TOLERANCE)
    return undefined;
  if (!rateControlExplains(steady, configured.fps)) return undefined;
  const other =
    steady.rateControl!.fpsOtherwise === undefined
      ? 'in every steady second'
      : `in ${steady.rateControl!.seconds} steady second(s); ${steady.rateControl!.fpsOtherwise} fps in the others`;
  return `${layer.rid}: ${steady.fps.toFixed(1)} fps in steady state of ${configured.fps}: the encoder's rate control dropped frames, its QP at its ceiling or spiking (mean ${steady.qpMean ?? '?'}) ${other}. The layer is short of bits for this content at this size: the configuration, not the CPU`;
}

export interface ScenarioValidity {
  problems: ValidityProblem[];
  /** What the browser did by design and is not a fault (e.g. a layer libwebrtc does not send for this input). */
  notes: string[];
}

/**
 * Every layer of a scenario. A layer the allocation model says libwebrtc does not configure for this
 * input (encoder_stream_factory.cc: a 640x360 camera with q/h/f at 4/2/1 is sent as two streams) and
 * that indeed sent nothing is a note, not a problem: it is no sign of CPU load.
 */
export function checkScenario(
  scenario: Scenario,
  input: { width: number; height: number; fps: number },
  layers: LayerRecord[],
): ScenarioValidity {
  const problems: ValidityProblem[] = [];
  const notes: string[] = [];
  let prediction: ReturnType<typeof predictAllocation> | undefined;
  try {
    // libwebrtc's stream table; gecko configures every encoding (VideoStreamFactory.cpp drops none).
    prediction = browserProfile(scenario.browser).predictedByAllocationModel
      ? predictAllocation(scenario, input)
      : undefined;
  } catch {
    prediction = undefined;
  }
  const sent = prediction?.layers.filter((l) => l.configured).length ?? layers.length;
  for (const layer of layers) {
    const p = prediction?.layers.find((l) => l.rid === layer.rid);
    const silent = layer.framesEncoded === 0 && !layer.steady?.fps;
    if (p && (p.state === 'dropped' || p.state === 'not-sent') && silent) {
      if (p.state === 'dropped') {
        notes.push(
          `${layer.rid}: not sent: libwebrtc sends ${sent} stream${sent === 1 ? '' : 's'} for a ${input.width}x${input.height} input (encoder_stream_factory.cc)`,
        );
      } else {
        notes.push(
          `${layer.rid}: not sent: ${scenario.codec.toUpperCase()} sends these encodings as one stream (encoder_stream_factory.cc)`,
        );
      }
      continue;
    }
    // An SVC stream the browser sent in another mode is named, and nothing was cut from it (svcFinish.ts).
    if (layer.svc && !layer.svc.honoured)
      problems.push({ rid: layer.rid, kind: 'svc-mode', message: `${layer.rid}: ${layer.svc.problem}` });
    // Behind a shaped uplink the allocator may switch a layer off, and under a moving link it is off
    // for part of the window: its steady frame rate is then no sign of CPU load.
    const moving = scenario.uplink !== undefined && isMoving(scenario.uplink);
    const layerProblems = checkLayer(layer, scenario.bandwidthBps !== undefined || scenario.uplink !== undefined);
    problems.push(...(moving ? layerProblems.filter((q) => q.kind !== 'low-framerate') : layerProblems));
    const note = moving ? undefined : rateControlNote(layer);
    if (note) notes.push(note);
    const lower = layer.svcPoint?.lowerLayerPictures;
    if (lower) {
      notes.push(
        `${layer.rid}: ${lower} of ${layer.svcPoint!.steadyPictures} steady pictures show a lower spatial layer: the encoder skipped layer ${layer.svcPoint!.spatial} there, and a viewer of this point sees the lower picture scaled up (measured so)`,
      );
    }
  }
  return { problems, notes };
}
