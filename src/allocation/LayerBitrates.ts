// Per-layer resolution, min/target/max, frame rate and temporal layers, as libwebrtc configures the
// encoder for a set of RTCRtpEncodingParameters. Rules and their sources:
// - simulcast or one stream: media/engine/webrtc_video_engine.cc (CreateVideoEncoderConfig,
//   IsCodecDisabledForSimulcast) and video/config/encoder_stream_factory.cc (CreateEncoderStreams);
// - resolutions: LayerResolution.ts; table bitrates: SimulcastTable.ts (video/config/simulcast.cc);
// - application overrides, max-bitrate boost from b=AS, ordering by max bitrate and the
//   lowest-inactive rule: encoder_stream_factory.cc OverrideStreamSettings;
// - kbps granularity: modules/video_coding/video_codec_initializer.cc stores each stream's
//   min/target/max as whole kbps (bps / 1000, truncated).
import { svcLayersOf } from './predictSvc.js';
import { svcMaxBitrate } from './SvcRateAllocator.js';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import type { InputVideo, LayerConfig } from './AllocationTypes.js';
import type { SendSideCalibration } from './Calibration.js';
import { scaleResolutionDownBy, scaleResolutionDownTo } from './LayerResolution.js';
import { singlecastLimits } from './SinglecastLimits.js';
import { interpolateSimulcastFormat } from './SimulcastTable.js';
import { streamResolutions } from './StreamResolutions.js';

/** kDefaultMinVideoBitrateBps (media/base/media_constants / video_encoder_config). */
export const DEFAULT_MIN_VIDEO_BITRATE_BPS = 30_000;
/** kDefaultVideoMaxFramerate. */
export const DEFAULT_MAX_FRAMERATE = 60;
/** Temporal layers libwebrtc gives a simulcast stream when the app sets no scalabilityMode. */
export const DEFAULT_SIMULCAST_TEMPORAL_LAYERS = 3;

export interface StreamConfigOptions {
  /** SDP cap (b=AS / b=TIAS) in bps, or null: with a cap above the layers' total, the top layer's max is raised. */
  capBps: number | null;
  /** Screen content (contentHint "detail"/"text" makes Chrome's VideoRtpSender flag the track as screencast). */
  screencast: boolean;
  calibration: SendSideCalibration;
}

export interface StreamConfiguration {
  simulcast: boolean;
  /** One per encoding, in the encodings' order (dropped / not-sent ones have configured: false). */
  layers: LayerConfig[];
  /** Indices of configured layers ordered by max bitrate (stable): the allocator's walking order. */
  order: number[];
  notes: string[];
}

/** IsTemporalLayersSupported in encoder_stream_factory.cc: not H.264. */
function temporalLayersSupported(codec: Codec): boolean {
  return codec === 'vp8' || codec === 'vp9' || codec === 'av1';
}

function temporalLayersOf(codec: Codec, encoding: RtpEncodingParameters): number {
  const m = /T(\d)/.exec(encoding.scalabilityMode ?? '');
  if (m) return Number(m[1]);
  return temporalLayersSupported(codec) ? DEFAULT_SIMULCAST_TEMPORAL_LAYERS : 1;
}

/** GetMaxDefaultVideoBitrateKbps in encoder_stream_factory.cc: the single-stream default max. */
export function defaultSingleStreamMaxKbps(width: number, height: number, screencast: boolean): number {
  const pixels = width * height;
  let kbps = pixels <= 320 * 240 ? 600 : pixels <= 640 * 480 ? 1700 : pixels <= 960 * 540 ? 2000 : 2500;
  if (screencast) kbps = Math.max(kbps, 1200);
  return kbps;
}

/** VP9 SVC max bitrate of one spatial layer (modules/video_coding/codecs/vp9/svc_config.cc). */
function vp9SvcLayerMaxKbps(width: number, height: number): number {
  return Math.trunc((1.6 * width * height + 50_000) / 1000);
}

function toKbpsGrain(bps: number): number {
  return Math.trunc(bps / 1000) * 1000;
}

/** Whether Chrome sends these encodings as simulcast, and why not when it does not. */
export function simulcastDecision(
  codec: Codec,
  encodings: readonly RtpEncodingParameters[],
): { simulcast: boolean; reason?: string } {
  if (encodings.length <= 1) return { simulcast: false, reason: 'a single encoding' };
  // Legacy SVC: VP9/AV1 encodings without scalabilityMode are one stream with spatial layers
  // (webrtc_video_engine.cc IsCodecDisabledForSimulcast; scaleResolutionDownBy is always set here).
  if ((codec === 'vp9' || codec === 'av1') && !encodings.some((e) => e.scalabilityMode)) {
    return {
      simulcast: false,
      reason: `${codec.toUpperCase()} without scalabilityMode on the encodings is sent as one SVC stream (set e.g. L1T3 on each)`,
    };
  }
  // crbug.com/webrtc/15041: with a scalabilityMode on the first encoding, {active, inactive, ...} is
  // not simulcast (encoder_stream_factory.cc CreateEncoderStreams).
  if (encodings[0].scalabilityMode && !encodings.slice(1).some((e) => e.active)) {
    return {
      simulcast: false,
      reason: 'only the first encoding is active and it has a scalabilityMode: Chrome sends it as a single stream',
    };
  }
  return { simulcast: true };
}

export function configureStreams(
  codec: Codec,
  input: InputVideo,
  encodings: readonly RtpEncodingParameters[],
  options: StreamConfigOptions,
): StreamConfiguration {
  const decision = simulcastDecision(codec, encodings);
  return decision.simulcast
    ? configureSimulcast(codec, input, encodings, options)
    : configureSingleStream(codec, input, encodings, options, decision.reason ?? '');
}

function baseLayer(encoding: RtpEncodingParameters, index: number, input: InputVideo, codec: Codec): LayerConfig {
  const maxFramerate =
    encoding.maxFramerate && encoding.maxFramerate > 0 ? encoding.maxFramerate : DEFAULT_MAX_FRAMERATE;
  return {
    rid: encoding.rid,
    index,
    active: encoding.active,
    configured: false,
    scaleResolutionDownBy: encoding.scaleResolutionDownBy,
    width: 0,
    height: 0,
    maxFramerate,
    frameRate: Math.min(input.fps, maxFramerate),
    temporalLayers: temporalLayersOf(codec, encoding),
    minBps: 0,
    targetBps: 0,
    maxBps: 0,
    notes: [],
  };
}

function configureSimulcast(
  codec: Codec,
  input: InputVideo,
  encodings: readonly RtpEncodingParameters[],
  options: StreamConfigOptions,
): StreamConfiguration {
  const notes: string[] = [];
  const cal = options.calibration;
  const streams = streamResolutions(codec, input, encodings);
  const kept = streams.kept;
  notes.push(...streams.notes);
  const layers = encodings.map((e, i) => {
    const layer = baseLayer(e, i, input, codec);
    layer.width = streams.sizes[i].width;
    layer.height = streams.sizes[i].height;
    return layer;
  });

  for (let i = 0; i < kept; i++) {
    const layer = layers[i];
    const enc = encodings[i];
    layer.configured = true;
    const format = interpolateSimulcastFormat(codec, layer.width, layer.height, {
      lowresInterpolation: cal.lowresBitrateInterpolation,
    });
    let maxBps = format.maxBps;
    let targetBps = format.targetBps;
    let minBps = format.minBps;
    layer.notes.push(format.source);
    // GetNormalSimulcastLayers: the lowest stream is scaled so its base temporal layer keeps the
    // default 3-layer share when the base-heavy VP8 allocation trial is on.
    if (i === 0 && cal.vp8BaseHeavyTl3 && layer.temporalLayers === 3) {
      maxBps = Math.trunc(maxBps * (0.4 / 0.6));
      targetBps = Math.trunc(targetBps * (0.4 / 0.6));
      layer.notes.push('x0.67 (base-heavy TL3 trial)');
    }
    maxBps = Math.max(minBps, maxBps);
    targetBps = Math.max(minBps, targetBps);
    // OverrideStreamSettings: the first stream's min is the default 30 kbps, whatever the table says.
    if (i === 0 && minBps !== DEFAULT_MIN_VIDEO_BITRATE_BPS) {
      minBps = DEFAULT_MIN_VIDEO_BITRATE_BPS;
      layer.notes.push('min 30 kbps (first stream)');
    }
    if (enc.maxBitrate !== undefined && enc.maxBitrate > 0) {
      // Only maxBitrate set (the web API cannot set min): max = maxBitrate; min = min(min, max);
      // target = max(table target, 3/4 maxBitrate), clamped to [min, max].
      maxBps = enc.maxBitrate;
      minBps = Math.min(minBps, maxBps);
      targetBps = Math.max(targetBps, Math.trunc((maxBps * 3) / 4));
      targetBps = Math.min(Math.max(targetBps, minBps), maxBps);
      layer.notes.push(`maxBitrate ${Math.round(enc.maxBitrate / 1000)} kbps: target = max(table, 3/4 max)`);
    }
    layer.minBps = minBps;
    layer.targetBps = targetBps;
    layer.maxBps = maxBps;
  }

  // BoostMaxSimulcastLayer: with an SDP cap above what the layers can use (targets of the lower
  // layers + max of the top one), the top layer's max is raised by the difference, unless the app
  // set the top layer's maxBitrate or the content is screen.
  const top = layers[kept - 1];
  if (
    options.capBps !== null &&
    options.capBps > 0 &&
    !options.screencast &&
    !((encodings[kept - 1].maxBitrate ?? 0) > 0)
  ) {
    const total = layers.slice(0, kept - 1).reduce((s, l) => s + l.targetBps, 0) + top.maxBps;
    if (total < options.capBps) {
      top.maxBps += options.capBps - total;
      top.notes.push(
        `max raised by ${Math.round((options.capBps - total) / 1000)} kbps to use the SDP cap (BoostMaxSimulcastLayer)`,
      );
    }
  }

  const configured = layers.slice(0, kept);
  const byMax = () => configured.map((l) => l.index).sort((a, b) => layers[a].maxBps - layers[b].maxBps || a - b);
  // OverrideStreamSettings: if the layer with the lowest max is inactive, the first active one (by
  // max) may go as low as that layer's min.
  const factoryOrder = byMax();
  const lowest = layers[factoryOrder[0]];
  if (!lowest.active) {
    const firstActive = factoryOrder.map((i) => layers[i]).find((l) => l.active);
    if (firstActive && firstActive.minBps !== lowest.minBps) {
      firstActive.minBps = lowest.minBps;
      firstActive.notes.push(
        `min lowered to ${Math.round(lowest.minBps / 1000)} kbps (lowest layer ${lowest.rid} is inactive)`,
      );
    }
  }
  notes.push(...applySingleActiveStreamLimits(codec, configured, encodings, cal.startBitrateBps));
  for (const layer of configured) {
    layer.minBps = toKbpsGrain(layer.minBps);
    layer.targetBps = toKbpsGrain(layer.targetBps);
    layer.maxBps = toKbpsGrain(layer.maxBps);
  }
  // The allocator walks the layers by max bitrate (stable), not by position.
  const order = byMax();
  if (order.some((idx, pos) => idx !== pos)) {
    notes.push(`layers ordered by max bitrate: ${order.map((i) => layers[i].rid).join(' < ')} (not by position)`);
  }
  return { simulcast: true, layers, order, notes };
}

/**
 * video/video_stream_encoder.cc ApplyEncoderBitrateLimitsIfSingleActiveStream: simulcast with one
 * active encoding that is not the first takes min/max from the codec's single-stream limits for its
 * resolution (SinglecastLimits.ts; unless the app set maxBitrate), and its target is clamped to them.
 */
function applySingleActiveStreamLimits(
  codec: Codec,
  layers: LayerConfig[],
  encodings: readonly RtpEncodingParameters[],
  startBitrateBps: number,
): string[] {
  const active = layers.filter((l) => l.active);
  if (layers.length <= 1 || active.length !== 1 || layers[0].active || encodings.filter((e) => e.active).length !== 1)
    return [];
  return applyLimits(codec, active[0], encodings[active[0].index], 'single active stream', startBitrateBps);
}

/** Applies the single-stream limits to a layer; returns notes for the whole scenario. */
function applyLimits(
  codec: Codec,
  layer: LayerConfig,
  encoding: RtpEncodingParameters,
  why: string,
  startBitrateBps: number,
): string[] {
  const limits = singlecastLimits(codec, layer.width, layer.height);
  if (!limits) return [];
  const appMax = (encoding.maxBitrate ?? 0) > 0;
  const maxBps = appMax ? layer.maxBps : limits.maxBps;
  const minBps = Math.min(limits.minBps, maxBps);
  layer.minBps = minBps;
  layer.maxBps = maxBps;
  layer.targetBps = Math.min(Math.max(layer.targetBps, minBps), maxBps);
  layer.notes.push(
    `${why}: ${codec.toUpperCase()} limits ${Math.round(minBps / 1000)}-${Math.round(maxBps / 1000)} kbps (encoder_info_settings.cc)`,
  );
  if (limits.minStartBps !== undefined && startBitrateBps < limits.minStartBps) {
    return [
      `${layer.rid} starts below ${layer.width}x${layer.height}: the ${Math.round(startBitrateBps / 1000)} kbps start bitrate is under this size's ${Math.round(limits.minStartBps / 1000)} kbps ` +
        'min start bitrate (encoder_info_settings.cc; initial frame dropper) and climbs back only as the quality scaler allows (measured: VP9/AV1 at 1280x720 still 640x360 after 14 s)',
    ];
  }
  return [];
}

function configureSingleStream(
  codec: Codec,
  input: InputVideo,
  encodings: readonly RtpEncodingParameters[],
  options: StreamConfigOptions,
  reason: string,
): StreamConfiguration {
  const notes = encodings.length > 1 ? [`not simulcast: ${reason}`] : [];
  const layers = encodings.map((e, i) => baseLayer(e, i, input, codec));
  const layer = layers[0];
  const enc = encodings[0];
  layer.configured = true;
  layer.active = encodings.some((e) => e.active);
  const res = enc.scaleResolutionDownTo
    ? scaleResolutionDownTo(input, enc.scaleResolutionDownTo)
    : scaleResolutionDownBy(input, enc.scaleResolutionDownBy);
  layer.width = res.width;
  layer.height = res.height;
  // CreateDefaultVideoStreams: max = the encoding's maxBitrate and the SDP cap (the smaller), else a
  // default by input size (VP9 with temporal or spatial layers: the SVC configuration's sum).
  const apiMax = [enc.maxBitrate, options.capBps ?? undefined].filter((v): v is number => v !== undefined && v > 0);
  let maxBps: number;
  const svc = encodings.length === 1 ? svcLayersOf(codec, enc, input, options.capBps ?? null) : undefined;
  if (svc) {
    // One encoding with spatial layers: SvcRateAllocator never hands out more than the layers' max
    // summed, capped at the codec max (svc_rate_allocator.cc GetMaxBitrate).
    maxBps = svcMaxBitrate(svc);
    layer.notes.push(`${svc.mode}: ${svc.layers.length} spatial layers' max summed`);
  } else if (codec === 'vp9' && (layer.temporalLayers > 1 || encodings.length > 1)) {
    let svcKbps = 0;
    for (let s = 0; s < encodings.length; s++) svcKbps += vp9SvcLayerMaxKbps(input.width >> s, input.height >> s);
    maxBps = svcKbps * 1000;
    if (apiMax.length) maxBps = enc.maxBitrate && enc.maxBitrate > 0 ? enc.maxBitrate : Math.min(maxBps, ...apiMax);
    layer.notes.push('VP9 SVC max (svc_config.cc, approximate)');
  } else if (apiMax.length) {
    maxBps = Math.min(...apiMax);
    layer.notes.push('max from maxBitrate / SDP cap');
  } else {
    maxBps = defaultSingleStreamMaxKbps(input.width, input.height, options.screencast) * 1000;
    layer.notes.push('single-stream default max for the input size');
  }
  maxBps = Math.max(maxBps, DEFAULT_MIN_VIDEO_BITRATE_BPS);
  layer.maxBps = toKbpsGrain(maxBps);
  layer.minBps = toKbpsGrain(Math.min(DEFAULT_MIN_VIDEO_BITRATE_BPS, maxBps));
  layer.targetBps = layer.maxBps;
  // video_stream_encoder.cc ApplySpatialLayerBitrateLimits: a VP9 or AV1 stream with one spatial
  // layer (an L1Tx scalabilityMode), configured from several encodings, takes the single-stream
  // limits of its resolution (VP9 L1T3 at 1280x720: 1500 kbps; pc/peer_connection_encodings_
  // integrationtest.cc VP9_TargetBitrate_StandardL1T3). A lone encoding keeps the defaults above, and
  // legacy SVC (no scalabilityMode: one spatial layer per encoding) is not singlecast.
  if (encodings.length > 1 && (codec === 'vp9' || codec === 'av1') && /^L1T/.test(enc.scalabilityMode ?? '')) {
    const last = encodings.reduce((acc, e, i) => (e.active ? i : acc), 0);
    layer.notes = layer.notes.filter((n) => !n.startsWith('VP9 SVC max'));
    notes.push(...applyLimits(codec, layer, encodings[last], 'one spatial layer', options.calibration.startBitrateBps));
    layer.minBps = toKbpsGrain(layer.minBps);
    layer.maxBps = toKbpsGrain(layer.maxBps);
    layer.targetBps = toKbpsGrain(layer.targetBps);
  }
  return { simulcast: false, layers, order: [0], notes };
}
