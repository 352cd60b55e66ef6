// The spatial layers libwebrtc configures for one VP9 or AV1 encoding with a spatial scalabilityMode:
// how many fit the input, their sizes and their min / target / max bitrates.
// VP9: modules/video_coding/codecs/vp9/svc_config.cc (GetVp9SvcConfig -> ConfigureSvcNormalVideo),
// called from modules/video_coding/video_codec_initializer.cc. AV1:
// modules/video_coding/codecs/av1/av1_svc_config.cc (SetAv1SvcConfig). Layer sizes follow the mode's
// scaling factors (modules/video_coding/svc/scalability_structure_*.cc StreamConfig).
import { InputError } from '../errors.js';
import { limitSpatialLayers, parseScalabilityMode, type ScalabilityMode } from '../scenario/ScalabilityMode.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { InputVideo } from './AllocationTypes.js';
import { defaultSingleStreamMaxKbps } from './LayerBitrates.js';
import type { SvcConfiguration, SvcSpatialLayer } from './SvcTypes.js';

/** kMinVp9SpatialLayerLongSideLength / ShortSide (vp9_globals.h); AV1 uses the same (av1_svc_config.cc). */
export const MIN_SPATIAL_LAYER_LONG_SIDE = 240;
export const MIN_SPATIAL_LAYER_SHORT_SIDE = 135;
/** kMinVp9SvcBitrateKbps: the lowest VP9 spatial layer's min (GetVp9SvcConfig). */
const MIN_VP9_SVC_KBPS = 30;
/** av1_svc_config.cc: a spatial layer's min is at least 20 kbps. */
const MIN_AV1_SVC_KBPS = 20;

/** GetLimitedNumSpatialLayers: how many halvings keep both sides at least 240 x 135 (either orientation). */
export function limitedSpatialLayerCount(width: number, height: number): number {
  const landscape = width >= height;
  const minW = landscape ? MIN_SPATIAL_LAYER_LONG_SIDE : MIN_SPATIAL_LAYER_SHORT_SIDE;
  const minH = landscape ? MIN_SPATIAL_LAYER_SHORT_SIDE : MIN_SPATIAL_LAYER_LONG_SIDE;
  // float log2 as in the source (1.0f * width / min_width).
  const fit = (side: number, min: number) => Math.floor(1 + Math.max(0, Math.log2(Math.fround(side / min))));
  return Math.min(fit(width, minW), fit(height, minH));
}

/** The mode's scaling factor of spatial layer `index` (StreamConfig: num/den multiplied per layer below the top). */
export function scalingFactor(mode: ScalabilityMode, index: number): { num: number; den: number } {
  const steps = mode.spatialLayers - 1 - index;
  const [num, den] = mode.spatialRatio === 1.5 ? [2, 3] : [1, 2];
  return { num: num ** steps, den: den ** steps };
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

/** ConfigureSvcNormalVideo's bitrate formulas, kbps (derived there from subjective-quality data). */
export function vp9LayerKbps(width: number, height: number): { min: number; target: number; max: number } {
  const pixels = width * height;
  const min = Math.max(Math.max(Math.trunc((600 * Math.sqrt(pixels) - 95_000) / 1000), 0), MIN_VP9_SVC_KBPS);
  const max = Math.trunc((1.6 * pixels + 50_000) / 1000);
  return { min, target: Math.trunc((min + max) / 2), max };
}

/** SetAv1SvcConfig's formulas, kbps. */
export function av1LayerKbps(width: number, height: number): { min: number; target: number; max: number } {
  const pixels = width * height;
  const min = Math.max(Math.trunc((480 * Math.sqrt(pixels) - 95_000) / 1000), MIN_AV1_SVC_KBPS);
  const max = 50 + Math.trunc((1.6 * pixels) / 1000);
  return { min, target: Math.trunc((min + max) / 2), max };
}

/**
 * ConfigureSvcNormalVideo: spatial layers first..count-1 of an input, halved per layer below the
 * top (or the mode's scaling factors), the input trimmed so the top layer divides evenly, the
 * formulas' bitrates; with a first active layer above 0 the lowest configured layer gets min 30 kbps
 * and 1.1 x its max. Too many layers for the input are reduced (at least first + 1 stay).
 */
export function configureSvcNormalVideo(
  input: { width: number; height: number },
  firstActive: number,
  spatialLayers: number,
  temporalLayers: number,
  mode?: ScalabilityMode,
): SvcSpatialLayer[] {
  const count = Math.max(Math.min(spatialLayers, limitedSpatialLayerCount(input.width, input.height)), firstActive + 1);
  let divisor = 1 << (count - firstActive - 1);
  if (mode) {
    divisor = 1;
    for (let s = 0; s < count; s++) divisor = lcm(divisor, scalingFactor(mode, s).den);
  }
  const width = input.width - (input.width % divisor);
  const height = input.height - (input.height % divisor);
  const layers: SvcSpatialLayer[] = [];
  for (let s = firstActive; s < count; s++) {
    const f = mode ? scalingFactor(mode, s) : undefined;
    const w = f ? Math.trunc((width * f.num) / f.den) : width >> (count - s - 1);
    const h = f ? Math.trunc((height * f.num) / f.den) : height >> (count - s - 1);
    layers.push({ index: s, width: w, height: h, temporalLayers, active: true, ...kbpsToBps(vp9LayerKbps(w, h)) });
  }
  if (firstActive > 0) {
    layers[0].minBps = MIN_VP9_SVC_KBPS * 1000;
    layers[0].maxBps = Math.trunc((layers[0].maxBps / 1000) * 1.1) * 1000;
  }
  return layers;
}

/** GetVp9SvcConfig: the (already limited) mode's layers with the lowest layer's min at 30 kbps. */
function vp9Layers(mode: ScalabilityMode, input: InputVideo): SvcSpatialLayer[] {
  const layers = configureSvcNormalVideo(input, 0, mode.spatialLayers, mode.temporalLayers, mode);
  layers[0].minBps = MIN_VP9_SVC_KBPS * 1000;
  return layers;
}

/** AV1 spatial layers: the input times each scaling factor (no trimming), SetAv1SvcConfig's bitrates. */
function av1Layers(mode: ScalabilityMode, input: InputVideo): SvcSpatialLayer[] {
  return layerSizes(mode, input.width, input.height).map((size, index) => ({
    ...size,
    index,
    ...kbpsToBps(av1LayerKbps(size.width, size.height)),
    temporalLayers: mode.temporalLayers,
    active: true,
  }));
}

function layerSizes(mode: ScalabilityMode, width: number, height: number): { width: number; height: number }[] {
  return Array.from({ length: mode.spatialLayers }, (_, s) => {
    const f = scalingFactor(mode, s);
    return { width: Math.trunc((width * f.num) / f.den), height: Math.trunc((height * f.num) / f.den) };
  });
}

function kbpsToBps(k: { min: number; target: number; max: number }): {
  minBps: number;
  targetBps: number;
  maxBps: number;
} {
  return { minBps: k.min * 1000, targetBps: k.target * 1000, maxBps: k.max * 1000 };
}

/**
 * VideoCodec::maxBitrate of the stream, which caps what SvcRateAllocator splits: the encoding's
 * maxBitrate or the SDP cap when set (encoder_stream_factory.cc CreateDefaultVideoStreams), else
 * for VP9 the sum of the power-of-two SVC layers' max (GetSvcConfig without the mode), for AV1 the
 * single-stream default for the input size (GetMaxDefaultVideoBitrateKbps).
 */
function codecMaxBps(codec: Codec, mode: ScalabilityMode, input: InputVideo, apiMaxBps: number | undefined): number {
  if (apiMaxBps !== undefined) return apiMaxBps;
  if (codec === 'av1') return defaultSingleStreamMaxKbps(input.width, input.height, false) * 1000;
  return configureSvcNormalVideo(input, 0, mode.spatialLayers, mode.temporalLayers).reduce(
    (sum, l) => sum + l.maxBps,
    0,
  );
}

/**
 * The spatial layers of one SVC encoding. `apiMaxBps`: the encoding's maxBitrate and the SDP cap,
 * the smaller (undefined: neither set).
 */
export function svcConfiguration(
  codec: Codec,
  modeName: string,
  input: InputVideo,
  apiMaxBps?: number,
): SvcConfiguration {
  const requested = parseScalabilityMode(modeName);
  if (!requested) throw new InputError(`scalabilityMode "${modeName}" is not one libwebrtc knows`);
  if (codec !== 'vp9' && codec !== 'av1')
    throw new InputError(`scalabilityMode ${modeName} needs VP9 or AV1, not ${codec}`);
  const limit = limitedSpatialLayerCount(input.width, input.height);
  const mode = limitSpatialLayers(requested, limit);
  const notes: string[] = [];
  if (mode.name !== requested.name) {
    notes.push(
      `${input.width}x${input.height} fits ${limit} spatial layer(s) of at least 240x135: ${requested.name} is configured as ${mode.name} (scalability_mode_util.cc LimitNumSpatialLayers)`,
    );
  }
  const layers = codec === 'vp9' ? vp9Layers(mode, input) : av1Layers(mode, input);
  notes.push(
    codec === 'vp9'
      ? 'spatial layers from svc_config.cc (GetVp9SvcConfig)'
      : 'spatial layers from av1_svc_config.cc (SetAv1SvcConfig)',
  );
  return {
    codec,
    requestedMode: requested.name,
    mode: mode.name,
    layers,
    codecMaxBps: codecMaxBps(codec, mode, input, apiMaxBps),
    notes,
  };
}
