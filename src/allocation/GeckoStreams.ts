// How Firefox sizes its simulcast streams, after gecko's
// dom/media/webrtc/libwebrtcglue/VideoStreamFactory.cpp (kResolutionAndBitrateLimits, GetLimitsFor,
// SelectBitrates, CalculateScaledResolution). Firefox does not run libwebrtc's simulcast.cc table:
// each stream gets min / start / max by its own size in macroblocks, maxBitrate only lowers them, and
// no stream is dropped for a small input. These are the numbers simq labels "derived (gecko's table)".
import type { RtpEncodingParameters } from '../scenario/ScenarioTypes.js';

/** MB_OF(w, h): 16x16 macroblocks, rounded up. */
export const mbOf = (w: number, h: number) => ((w + 15) >> 4) * ((h + 15) >> 4);

export interface GeckoLimits {
  /** The row's threshold in macroblocks and its label in gecko's comment. */
  minMb: number;
  label: string;
  minKbps: number;
  startKbps: number;
  maxKbps: number;
}

/** kResolutionAndBitrateLimits, highest row first (firefox-esr 153's VideoStreamFactory.cpp). */
export const GECKO_LIMITS: readonly GeckoLimits[] = [
  { minMb: mbOf(1920, 1200), label: '>HD', minKbps: 1500, startKbps: 2000, maxKbps: 10000 },
  { minMb: mbOf(1280, 720), label: 'HD ~1080-1200', minKbps: 1200, startKbps: 1500, maxKbps: 5000 },
  { minMb: mbOf(800, 480), label: 'HD ~720', minKbps: 200, startKbps: 800, maxKbps: 2500 },
  { minMb: mbOf(480, 270), label: 'WVGA', minKbps: 150, startKbps: 500, maxKbps: 2000 },
  { minMb: Math.max(mbOf(400, 240), mbOf(352, 288)), label: 'VGA', minKbps: 125, startKbps: 300, maxKbps: 1300 },
  { minMb: mbOf(176, 144), label: 'WQVGA, CIF', minKbps: 100, startKbps: 150, maxKbps: 500 },
  { minMb: 0, label: 'QCIF and below', minKbps: 40, startKbps: 80, maxKbps: 250 },
];

/** GetLimitsFor without a cap: the first row whose threshold the size reaches (fs >= row). */
export function geckoLimitsFor(width: number, height: number): GeckoLimits {
  const fs = mbOf(width, height);
  return GECKO_LIMITS.find((r) => fs >= r.minMb) ?? GECKO_LIMITS[GECKO_LIMITS.length - 1];
}

/** kViEMinCodecBitrate_bps: no stream is configured below 30 kbps. */
const VIE_MIN_KBPS = 30;

export interface GeckoStream {
  rid: string;
  width: number;
  height: number;
  sent: boolean;
  minKbps: number;
  startKbps: number;
  maxKbps: number;
  limits: GeckoLimits;
}

/**
 * Each encoding's size (CalculateScaledResolution: the input divided by scaleResolutionDownBy,
 * truncated; libvpx asks for no alignment) and bitrates (SelectBitrates: MinIgnoreZero with the
 * encoding's maxBitrate, min <= start <= max, nothing below 30 kbps).
 */
export function geckoStreams(
  input: { width: number; height: number },
  encodings: readonly RtpEncodingParameters[],
): GeckoStream[] {
  return encodings.map((e) => {
    const scale = e.scaleResolutionDownBy > 1 ? e.scaleResolutionDownBy : 1;
    // scaleResolutionDownTo is not read by VideoStreamFactory.cpp: the factor decides.
    const width = Math.trunc(input.width / scale);
    const height = Math.trunc(input.height / scale);
    const limits = geckoLimitsFor(width, height);
    const cap = e.maxBitrate !== undefined && e.maxBitrate > 0 ? e.maxBitrate / 1000 : undefined;
    const minIgnoreZero = (v: number) => (cap === undefined ? v : Math.min(v, cap));
    let max = Math.max(VIE_MIN_KBPS, minIgnoreZero(limits.maxKbps));
    let min = Math.max(VIE_MIN_KBPS, Math.min(minIgnoreZero(limits.minKbps), max));
    if (min > max) min = max;
    max = Math.max(max, min);
    const start = Math.min(Math.max(Math.min(minIgnoreZero(limits.startKbps), max), min), max);
    return {
      rid: e.rid,
      width,
      height,
      sent: e.active && width > 0 && height > 0,
      minKbps: min,
      startKbps: start,
      maxKbps: max,
      limits,
    };
  });
}
