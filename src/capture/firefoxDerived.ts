// What Firefox does not report, derived and labelled as such: its outbound-rtp has no targetBitrate,
// no qualityLimitationReason/Durations and no encoderImplementation (firefox-esr 153). simq puts in
// their place, under each layer's `derived` in run.json:
// - the allocation gecko configures for the layer (dom/media/webrtc/libwebrtcglue/VideoStreamFactory.cpp,
//   src/allocation/GeckoStreams.ts), which is a configuration, not a measured target;
// - the layer's bitrate from the bytes of the frames simq tapped in the steady window;
// - a CPU limitation from the frame rate and the gaps between tapped frames.
// None of these is ever shown as what the browser reported.
import { geckoStreams } from '../allocation/GeckoStreams.js';
import type { LayerFrameRow } from '../rundir/CsvTypes.js';
import type { DerivedLayer, SteadyState } from '../rundir/RunTypes.js';
import type { RtpEncodingParameters } from '../scenario/ScenarioTypes.js';

export const GECKO_SOURCE = 'gecko dom/media/webrtc/libwebrtcglue/VideoStreamFactory.cpp (kResolutionAndBitrateLimits)';
/** A gap longer than this many frame intervals counts as frames the encoder did not get to. */
export const TAP_GAP_FRAMES = 2.5;
/** Share of the steady window lost in such gaps above which a layer counts as CPU-limited (derived). */
export const DERIVED_CPU_SHARE = 0.05;

export function deriveLayer(
  encodings: readonly RtpEncodingParameters[],
  index: number,
  input: { width: number; height: number },
  fps: number,
  frames: readonly LayerFrameRow[],
  steady: SteadyState | undefined,
): DerivedLayer {
  const gecko = geckoStreams(input, encodings)[index];
  const derived: DerivedLayer = {
    source: 'derived',
    geckoAllocation: {
      minKbps: gecko.minKbps,
      startKbps: gecko.startKbps,
      maxKbps: gecko.maxKbps,
      row: gecko.limits.label,
      from: GECKO_SOURCE,
    },
  };
  if (!steady || steady.seconds <= 0) return derived;
  const inWindow = frames.filter((f) => f.time_s >= steady.fromS && f.time_s <= steady.toS);
  if (inWindow.length === 0) return derived;
  const bytes = inWindow.reduce((s, f) => s + f.bytes, 0);
  derived.bitrateFromFramesKbps = Math.round((bytes * 8) / steady.seconds / 100) / 10;
  const interval = 1 / fps;
  let lost = 0;
  let longest = 0;
  for (let i = 1; i < inWindow.length; i++) {
    const gap = inWindow[i].time_s - inWindow[i - 1].time_s;
    longest = Math.max(longest, gap);
    if (gap > TAP_GAP_FRAMES * interval) lost += gap - interval;
  }
  derived.longestTapGapMs = Math.round(longest * 1000);
  derived.cpuLimitedS = Math.round(lost * 1000) / 1000;
  return derived;
}

/** Whether the derived limitation is large enough to flag the layer (validity.ts). */
export function derivedCpuLimited(d: DerivedLayer | undefined, steadySeconds: number): boolean {
  return d?.cpuLimitedS !== undefined && d.cpuLimitedS > DERIVED_CPU_SHARE * steadySeconds;
}
