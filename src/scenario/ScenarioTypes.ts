import type { LinkSpec } from '../link/LinkTypes.js';

// A scenario: what the sender is asked to encode. Field names follow the WebRTC spec's
// RTCRtpEncodingParameters so a scenario reads like the sendEncodings an app passes.
import type { SfuKind } from '../sfu/SfuTypes.js';
import type { ViewerSpec } from '../viewer/ViewerTypes.js';

export const CODECS = ['vp8', 'vp9', 'h264', 'av1'] as const;
export type Codec = (typeof CODECS)[number];

/** The RTCRtpCodec mimeType subtype Chrome uses for each codec. */
export const CODEC_MIME: Record<Codec, string> = { vp8: 'VP8', vp9: 'VP9', h264: 'H264', av1: 'AV1' };

export type ContentHint = '' | 'motion' | 'detail' | 'text';

/** The browser whose encoder a scenario runs (absent: Chromium). */
export type ScenarioBrowser = 'chromium' | 'firefox';

/** RTCRtpEncodingParameters.scaleResolutionDownTo: the layer fits in this box (orientation-agnostic). */
export interface ResolutionRestriction {
  maxWidth: number;
  maxHeight: number;
}

export interface RtpEncodingParameters {
  rid: string;
  /**
   * >= 1; 4 / 2 / 1 for the usual q / h / f layers. When the scenario leaves it unset this holds the
   * spec's nominal 2^(n-1-i) and scaleResolutionDownByUnset is true (see below).
   */
  scaleResolutionDownBy: number;
  /**
   * True when the scenario did not set scaleResolutionDownBy: the page leaves it out of sendEncodings
   * and libwebrtc picks the size (encoder_stream_factory.cc: with no encoding setting it, each layer is
   * the input halved per layer below the top kept one; with some set, an unset one is 1).
   */
  scaleResolutionDownByUnset?: boolean;
  /** Layer size as a box instead of a factor; takes precedence over scaleResolutionDownBy. */
  scaleResolutionDownTo?: ResolutionRestriction;
  /** bits per second */
  maxBitrate?: number;
  maxFramerate?: number;
  active: boolean;
  /** e.g. "L1T1", "L1T2", "L1T3". VP9 and AV1 need one on every encoding to do simulcast in Chrome. */
  scalabilityMode?: string;
}

/** What a user writes (in a preset or a scenario file): codec, duration and caps may be left to options. */
export interface ScenarioDefinition {
  name: string;
  description?: string;
  codec?: Codec;
  encodings: RtpEncodingParameters[];
  /** Capture seconds. */
  duration?: number;
  /** Seconds at the start excluded from steady state (bandwidth estimate and rate control ramp). */
  warmup?: number;
  /** Total send-side cap(s), bits per second; several values give one scenario each. */
  bandwidth?: number | number[];
  /** Field -> values, e.g. {"h.maxBitrate": [300000, 600000]}; several fields give the cartesian product. */
  sweep?: Record<string, number[]>;
  contentHint?: ContentHint;
  /** The browser to run it in; --browser overrides it. */
  browser?: ScenarioBrowser;
  /** Publish through this SFU (--sfu overrides it). */
  sfu?: SfuKind;
  /** Viewer specs SIZE[:POLICY][@LINK] (--viewers overrides them). */
  viewers?: string[];
  /** The sender's uplink (LINK, src/link/parseLinkSpec.ts), e.g. "step-3000-800-3000"; --uplink overrides it. */
  uplink?: string;
}

/** One capture: a definition resolved for one codec, one bandwidth and one sweep point. */
export interface Scenario {
  /** Directory name inside the run, unique within the run, e.g. "all-layers.vp8". */
  id: string;
  /** The definition it came from, e.g. "all-layers". */
  name: string;
  codec: Codec;
  encodings: RtpEncodingParameters[];
  durationS: number;
  warmupS: number;
  bandwidthBps?: number;
  /** The sweep values applied to this scenario, e.g. {"h.maxBitrate": 600000}. */
  sweepPoint?: Record<string, number>;
  contentHint: ContentHint;
  /** Absent: Chromium. The id carries ".firefox" for Firefox, so both can share a run. */
  browser?: ScenarioBrowser;
  /** Publish through this SFU instead of the loopback; the id carries ".janus". */
  sfu?: SfuKind;
  /** Subscribers of the SFU (SFU mode only). */
  viewers?: ViewerSpec[];
  /** The sender's shaped uplink (docs/design-sfu-links.md); the id carries ".up-<label>". */
  uplink?: LinkSpec;
}

export const DEFAULT_DURATION_S = 10;
export const DEFAULT_WARMUP_S = 2;
/** Applied to VP9/AV1 encodings without scalabilityMode (Chrome sends VP9/AV1 simulcast only with a scalabilityMode per encoding). */
export const DEFAULT_SVC_SCALABILITY_MODE = 'L1T3';
