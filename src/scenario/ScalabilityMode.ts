// A scalabilityMode string (W3C webrtc-svc) taken apart: spatial and temporal layer counts, the
// spatial ratio and how spatial layers predict from each other. The set of names is libwebrtc's
// (api/video_codecs/scalability_mode.h, modules/video_coding/svc/scalability_mode_util.cc); which of
// them Chrome's encoders take is in docs/svc.md (measured on Chromium 156).
import type { Codec } from './ScenarioTypes.js';

/** How spatial layers reference each other (scalability_mode_util.cc ScalabilityModeToInterLayerPredMode). */
export type InterLayerPrediction = 'on' | 'key' | 'key-shift' | 'off';

export interface ScalabilityMode {
  /** The string as written, e.g. "L3T3_KEY". */
  name: string;
  spatialLayers: number;
  temporalLayers: number;
  /** Size ratio between adjacent spatial layers: 2, or 1.5 for the "h" modes. */
  spatialRatio: 2 | 1.5;
  /** "S" modes: spatial layers without inter-layer prediction (simulcast inside one RTP stream). */
  interLayer: InterLayerPrediction;
}

/** libwebrtc's kAllScalabilityModes (34 names): the only KEY_SHIFT mode is L2T2_KEY_SHIFT. */
const MODE = /^([LS])([1-3])T([1-3])(h|_KEY|_KEY_SHIFT)?$/;
const KEY_SHIFT_MODES = new Set(['L2T2_KEY_SHIFT']);

/** undefined when the name is not a scalability mode libwebrtc knows. */
export function parseScalabilityMode(name: string): ScalabilityMode | undefined {
  const m = MODE.exec(name);
  if (!m) return undefined;
  const [, kind, s, t, suffix] = m;
  const spatialLayers = Number(s);
  // Suffixes exist only with several spatial layers; S modes take no _KEY; KEY_SHIFT only where defined.
  if (suffix && spatialLayers === 1) return undefined;
  if (kind === 'S' && (spatialLayers === 1 || (suffix && suffix !== 'h'))) return undefined;
  if (suffix === '_KEY_SHIFT' && !KEY_SHIFT_MODES.has(name)) return undefined;
  const interLayer: InterLayerPrediction =
    kind === 'S' ? 'off' : suffix === '_KEY' ? 'key' : suffix === '_KEY_SHIFT' ? 'key-shift' : 'on';
  return { name, spatialLayers, temporalLayers: Number(t), spatialRatio: suffix === 'h' ? 1.5 : 2, interLayer };
}

/** Every mode name parseScalabilityMode accepts, in libwebrtc's order (L, then S). */
export function allScalabilityModes(): string[] {
  const out: string[] = [];
  for (const kind of ['L', 'S']) {
    for (let s = 1; s <= 3; s++) {
      for (let t = 1; t <= 3; t++) {
        for (const suffix of ['', 'h', '_KEY', '_KEY_SHIFT']) {
          const name = `${kind}${s}T${t}${suffix}`;
          if (parseScalabilityMode(name)) out.push(name);
        }
      }
    }
  }
  return out;
}

/** True for a mode with more than one spatial layer (one RTP stream carrying several sizes). */
export function isSpatialMode(name: string | undefined): boolean {
  return (parseScalabilityMode(name ?? '')?.spatialLayers ?? 1) > 1;
}

/**
 * Codecs whose Chrome encoder sends spatial layers: libvpx VP9 (vp9_impl / libvpx_vp9_encoder.cc)
 * and libaom AV1 (libaom_av1_encoder.cc). VP8 and OpenH264 have temporal layers only
 * (VP8SupportsScalabilityMode, H264 kSupportedScalabilityModes): L1T1..L1T3.
 */
export function codecSendsSpatialLayers(codec: Codec): boolean {
  return codec === 'vp9' || codec === 'av1';
}

/**
 * The mode libwebrtc falls back to when the input is too small for all spatial layers
 * (scalability_mode_util.cc LimitNumSpatialLayers): fewer L/S layers, same T and suffix, and the
 * suffix dropped when one spatial layer is left.
 */
export function limitSpatialLayers(mode: ScalabilityMode, maxSpatial: number): ScalabilityMode {
  if (mode.spatialLayers <= maxSpatial) return mode;
  const s = Math.max(1, maxSpatial);
  const suffix =
    s === 1
      ? ''
      : mode.spatialRatio === 1.5
        ? 'h'
        : mode.interLayer === 'key'
          ? '_KEY'
          : mode.interLayer === 'key-shift'
            ? '_KEY_SHIFT'
            : '';
  const kind = mode.interLayer === 'off' && s > 1 ? 'S' : 'L';
  const name = `${kind}${s}T${mode.temporalLayers}${suffix}`;
  return parseScalabilityMode(name) ?? parseScalabilityMode(`${kind}${s}T${mode.temporalLayers}`)!;
}
