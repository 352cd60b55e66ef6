// The model's entry point: what Chrome's libwebrtc gives each simulcast layer for a scenario, an input
// size and an optional total cap. Used by `simq plan` and by the capture stage (predicted vs measured).
import { InputError } from '../errors.js';
import type { ContentHint, Scenario } from '../scenario/ScenarioTypes.js';
import { MAX_SIMULCAST_LAYERS } from '../scenario/loadScenarios.js';
import type { AllocationPrediction, InputVideo, LayerPrediction } from './AllocationTypes.js';
import { withCalibration, type SendSideCalibration } from './Calibration.js';
import { adjustedTargets } from './EncoderRateAdjuster.js';
import { sendBudget } from './EncoderTarget.js';
import { configureStreams, DEFAULT_MIN_VIDEO_BITRATE_BPS } from './LayerBitrates.js';
import { predictSvc, svcLayersOf } from './predictSvc.js';
import type { SvcPrediction } from './SvcTypes.js';
import { allocateSimulcast, splitTemporal, type AllocatorLayer } from './RateAllocator.js';
import { temporalSplit } from './SvcRateAllocator.js';

/** What the model needs from a scenario (a full Scenario from expandScenarios fits). */
export type ScenarioForPrediction = Pick<Scenario, 'codec' | 'encodings'> & {
  bandwidthBps?: number;
  contentHint?: ContentHint;
};

export interface PredictOptions {
  /** Overrides of the calibration constants (Calibration.ts); omitted = DEFAULT_CALIBRATION. */
  calibration?: Partial<SendSideCalibration>;
}

function checkInput(input: InputVideo): void {
  for (const key of ['width', 'height'] as const) {
    const v = input[key];
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(`input ${key} must be a whole number of pixels > 0, got ${v}`);
  }
  if (!Number.isFinite(input.fps) || input.fps <= 0) throw new InputError(`input fps must be > 0, got ${input.fps}`);
}

/**
 * Predicts libwebrtc's per-layer bitrates.
 *
 * @param scenario codec + encodings (+ contentHint; + bandwidthBps, used when capBps is undefined)
 * @param input    the source: width, height, fps
 * @param capBps   total send cap in bps (b=AS/b=TIAS on the answer); undefined = scenario.bandwidthBps;
 *                 null = unconstrained
 * @returns per encoding (same order): state, resolution, min/target/max, allocatedBps (the simulcast
 *          allocator's share) and predictedTargetBps (compare with outbound-rtp.targetBitrate; equal
 *          to allocatedBps when bandwidth is ample).
 */
export function predictAllocation(
  scenario: ScenarioForPrediction,
  input: InputVideo,
  capBps?: number | null,
  options: PredictOptions = {},
): AllocationPrediction {
  checkInput(input);
  const encodings = scenario.encodings;
  if (encodings.length === 0) throw new InputError('no encodings: a scenario needs at least one');
  if (encodings.length > MAX_SIMULCAST_LAYERS) {
    throw new InputError(
      `${encodings.length} encodings; libwebrtc sends at most ${MAX_SIMULCAST_LAYERS} simulcast layers (kMaxSimulcastStreams)`,
    );
  }
  const cap = capBps === undefined ? (scenario.bandwidthBps ?? null) : capBps;
  if (cap !== null && (!Number.isFinite(cap) || cap <= 0))
    throw new InputError(`bandwidth cap must be > 0 bps, got ${cap}`);
  const cal = withCalibration(options.calibration);
  // VideoRtpSender::SetSend: content hint "detail"/"text" marks the track as screencast.
  const screencast = scenario.contentHint === 'detail' || scenario.contentHint === 'text';

  const config = configureStreams(scenario.codec, input, encodings, { capBps: cap, screencast, calibration: cal });
  const allocatorLayers: AllocatorLayer[] = config.layers.map((l) => ({
    minBps: l.minBps,
    targetBps: l.targetBps,
    maxBps: l.maxBps,
    active: l.configured && l.active,
    temporalLayers: l.temporalLayers,
  }));
  // video_send_stream_impl.cc: the encoder's max is the sum of the active layers' max, at least the
  // first stream's min.
  const firstMin = Math.max(config.layers[0].minBps, DEFAULT_MIN_VIDEO_BITRATE_BPS);
  const encoderMaxBps = Math.max(
    firstMin,
    allocatorLayers.reduce((s, l) => s + (l.active ? l.maxBps : 0), 0),
  );
  const budget = sendBudget(cap, encoderMaxBps, cal);

  // A call starts at the start bitrate and ramps up: the first allocation applies no hysteresis;
  // layers not on by then need hysteresis x min to switch on (simulcast_rate_allocator.cc).
  const hysteresis = screencast ? cal.screenshareHysteresis : cal.videoHysteresis;
  const startNetwork = Math.min(cal.startBitrateBps, cap ?? Number.POSITIVE_INFINITY);
  const startBudget = sendBudget(startNetwork, encoderMaxBps, cal);
  const first = allocateSimulcast(allocatorLayers, startBudget.encoderTargetBps, { order: config.order, hysteresis });
  const steady = allocateSimulcast(allocatorLayers, budget.encoderTargetBps, {
    order: config.order,
    hysteresis,
    previouslyEnabled: first.enabled,
  });

  // encoder_bitrate_adjuster.cc measures headroom as the link allocation minus the bitrate actually
  // allocated to the layers (rates.bandwidth_allocation - rates.bitrate.get_sum_bps()), not minus the
  // encoder's max: a lone q layer at its 200 kbps max under a 300 kbps cap has ~75 kbps of headroom
  // and shows its full max (validation matrix, Chromium 156).
  const allocatedSum = steady.bps.reduce((sum, b) => sum + b, 0);
  const adjusterHeadroomBps = Math.max(0, budget.encoderTargetBps + budget.headroomBps - allocatedSum);
  const overshoot = cal.encoderOvershootByCodec[scenario.codec] ?? cal.encoderOvershoot;
  const topIndex = [...config.order].reverse().find((i) => steady.bps[i] > 0);
  const predicted = adjustedTargets(
    steady.bps,
    allocatorLayers.map((l) => (l.active ? l.minBps : 0)),
    adjusterHeadroomBps,
    overshoot,
    steady.bps.map((_, i) => !cal.adjustTopLayer && i === topIndex),
  );
  const baseHeavy = cal.vp8BaseHeavyTl3 && scenario.codec === 'vp8';
  const svcSplit = !config.simulcast && (scenario.codec === 'vp9' || scenario.codec === 'av1');
  // The adjuster's factor is the encoder's measured overshoot (video/encoder_overshoot_detector.cc:
  // a leaky bucket over each frame's size), which no configuration predicts: under a binding cap give
  // the range it was seen in instead of one number.
  const binding = cap !== null && adjusterHeadroomBps <= 0;
  const rangeFactor = cal.adjusterRangeByCodec[scenario.codec];
  const layers: LayerPrediction[] = config.layers.map((l, i) => ({
    ...l,
    ...(binding && steady.bps[i] > 0
      ? {
          predictedRangeBps: [
            Math.max(l.active ? l.minBps : 0, Math.min(predicted[i], Math.round(steady.bps[i] / rangeFactor))),
            Math.max(predicted[i], steady.bps[i]),
          ] as [number, number],
        }
      : {}),
    state: !l.configured
      ? config.simulcast
        ? 'dropped'
        : 'not-sent'
      : !l.active
        ? 'inactive'
        : steady.bps[i] > 0
          ? 'on'
          : 'off-bandwidth',
    allocatedBps: steady.bps[i],
    predictedTargetBps: predicted[i],
    // builtin_video_bitrate_allocator_factory.cc: one VP9/AV1 stream uses SvcRateAllocator, simulcast
    // the SimulcastRateAllocator's 40/20/40. The SVC split is the one the spatial-layer path uses.
    temporalBps: svcSplit
      ? predicted[i] > 0
        ? temporalSplit(predicted[i], l.temporalLayers)
        : []
      : splitTemporal(predicted[i], l.temporalLayers, baseHeavy),
  }));

  const notes = [...config.notes];
  if (cap !== null) {
    notes.push(
      `cap ${kbps(cap)} kbps: ${kbps(budget.packetOverheadBps)} kbps packet overhead` +
        (budget.protectionBps ? `, ${kbps(budget.protectionBps)} kbps protection` : '') +
        (budget.fixedOverheadBps ? `, ${kbps(budget.fixedOverheadBps)} kbps fixed overhead` : '') +
        ` -> encoder target ${kbps(budget.encoderTargetBps)} kbps`,
    );
    if (adjusterHeadroomBps <= 0 && layers.some((l) => l.state === 'on')) {
      notes.push(
        `no link headroom: the encoder bitrate adjuster (video/encoder_bitrate_adjuster.cc) divides each layer's allocation by the encoder's measured overshoot, ` +
          `which depends on the frames it produces: outbound-rtp.targetBitrate lies between allocation / ${rangeFactor} and the allocation (shown as a range; point estimate allocation / ${overshoot})`,
      );
    }
  }
  const svcConfig = encodings.length === 1 ? svcLayersOf(scenario.codec, encodings[0], input, cap) : undefined;
  const svc = svcConfig && layers[0].state === 'on' ? predictSvc(svcConfig, steady.bps[0]) : undefined;
  if (svc) notes.push(...svcNotes(svc));
  return {
    codec: scenario.codec,
    input: { ...input },
    simulcast: config.simulcast,
    ...(svc ? { svc } : {}),
    budget,
    layers,
    activeRids: config.order.filter((i) => layers[i].state === 'on').map((i) => layers[i].rid),
    notes,
  };
}

function kbps(bps: number): number {
  return Math.round(bps / 1000);
}

function svcNotes(svc: SvcPrediction): string[] {
  const notes = [...svc.config.notes];
  notes.push(
    'SVC split (svc_rate_allocator.cc): spatial layers 0.55^2 : 0.55 : 1 of the total, each capped at its max with the excess moved up; ' +
      'a layer is switched on when the total reaches its start rate; temporal layers of each spatial layer split the same way (T0 the largest share)',
  );
  notes.push(
    "outbound-rtp.targetBitrate of an SVC stream is spatial layer 0's share only (measured on Chromium 156): compare the per-layer rates with the tapped bytes instead",
  );
  return notes;
}
