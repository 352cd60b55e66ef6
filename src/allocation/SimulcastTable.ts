// libwebrtc's per-codec simulcast format tables and their interpolation by pixel count
// (video/config/simulcast.cc: kSimulcastFormatsVP8, kSimulcastFormatsVP9, InterpolateSimulcastFormat,
// LimitSimulcastLayerCount). Values are facts from that file, not copied code.
import type { Codec } from '../scenario/ScenarioTypes.js';

export interface SimulcastFormatRow {
  width: number;
  height: number;
  /** Layers allowed from this resolution up (for the input-resolution layer limit). */
  maxLayers: number;
  maxKbps: number;
  targetKbps: number;
  minKbps: number;
}

/** VP8 table; also H.264 and generic (GetSimulcastFormats in video/config/simulcast.cc). */
const VP8_FORMATS: readonly SimulcastFormatRow[] = [
  { width: 1920, height: 1080, maxLayers: 3, maxKbps: 5000, targetKbps: 4000, minKbps: 800 },
  { width: 1280, height: 720, maxLayers: 3, maxKbps: 2500, targetKbps: 2500, minKbps: 600 },
  { width: 960, height: 540, maxLayers: 3, maxKbps: 1200, targetKbps: 1200, minKbps: 350 },
  { width: 640, height: 360, maxLayers: 2, maxKbps: 700, targetKbps: 500, minKbps: 150 },
  { width: 480, height: 270, maxLayers: 2, maxKbps: 450, targetKbps: 350, minKbps: 150 },
  { width: 320, height: 180, maxLayers: 1, maxKbps: 200, targetKbps: 150, minKbps: 30 },
  { width: 0, height: 0, maxLayers: 1, maxKbps: 0, targetKbps: 0, minKbps: 30 },
];

/** VP9 table; also AV1 and H.265 in current libwebrtc. */
const VP9_FORMATS: readonly SimulcastFormatRow[] = [
  { width: 1920, height: 1080, maxLayers: 3, maxKbps: 3367, targetKbps: 3367, minKbps: 769 },
  { width: 1280, height: 720, maxLayers: 3, maxKbps: 1524, targetKbps: 1524, minKbps: 481 },
  { width: 960, height: 540, maxLayers: 3, maxKbps: 879, targetKbps: 879, minKbps: 337 },
  { width: 640, height: 360, maxLayers: 2, maxKbps: 420, targetKbps: 420, minKbps: 193 },
  { width: 480, height: 270, maxLayers: 2, maxKbps: 257, targetKbps: 257, minKbps: 121 },
  { width: 320, height: 180, maxLayers: 1, maxKbps: 142, targetKbps: 142, minKbps: 30 },
  { width: 240, height: 135, maxLayers: 1, maxKbps: 101, targetKbps: 101, minKbps: 30 },
  { width: 0, height: 0, maxLayers: 1, maxKbps: 0, targetKbps: 0, minKbps: 30 },
];

/** "Max layers from one higher resolution" when within 10 % of it (kDefaultMaxRoundupRate). */
export const DEFAULT_MAX_ROUNDUP_RATE = 0.1;

export function tableFamily(codec: Codec): 'vp8' | 'vp9' {
  return codec === 'vp9' || codec === 'av1' ? 'vp9' : 'vp8';
}

/**
 * The rows libwebrtc interpolates between. Unless the WebRTC-LowresSimulcastBitrateInterpolation
 * field trial is on (it is off by default), the 0x0 row takes the values of the row above it, so
 * below the smallest resolution the bitrates stay constant instead of falling towards zero.
 */
export function simulcastFormats(codec: Codec, lowresInterpolation: boolean): SimulcastFormatRow[] {
  const rows = (tableFamily(codec) === 'vp9' ? VP9_FORMATS : VP8_FORMATS).map((r) => ({ ...r }));
  if (!lowresInterpolation) {
    const last = rows[rows.length - 1];
    const prev = rows[rows.length - 2];
    last.maxKbps = prev.maxKbps;
    last.targetKbps = prev.targetKbps;
    last.minKbps = prev.minKbps;
  }
  return rows;
}

export interface InterpolatedFormat {
  maxLayers: number;
  maxBps: number;
  targetBps: number;
  minBps: number;
  /** Human-readable origin, e.g. "table 640x360" or "between 960x540 and 640x360". */
  source: string;
}

/**
 * Bitrates for a width x height from the codec's table: the first row whose pixel count is <= the
 * layer's, linearly interpolated by pixel count towards the row above. libwebrtc computes the weight
 * in single precision and rounds each weighted term to whole bits per second (DataRate * double).
 */
export function interpolateSimulcastFormat(
  codec: Codec,
  width: number,
  height: number,
  options: { lowresInterpolation: boolean; maxRoundupRate?: number },
): InterpolatedFormat {
  const rows = simulcastFormats(codec, options.lowresInterpolation);
  const pixels = width * height;
  const index = rows.findIndex((r) => pixels >= r.width * r.height);
  const row = rows[index];
  if (index === 0) {
    return {
      maxLayers: row.maxLayers,
      maxBps: row.maxKbps * 1000,
      targetBps: row.targetKbps * 1000,
      minBps: row.minKbps * 1000,
      source:
        pixels === row.width * row.height
          ? `table ${row.width}x${row.height}`
          : `table ${row.width}x${row.height} (largest row)`,
    };
  }
  const up = rows[index - 1];
  const pixelsUp = up.width * up.height;
  const pixelsDown = row.width * row.height;
  const rate = Math.fround(Math.fround(pixelsUp - pixels) / Math.fround(pixelsUp - pixelsDown));
  const mix = (a: number, b: number) => Math.round(a * 1000 * (1 - rate)) + Math.round(b * 1000 * rate);
  const maxLayers = rate < (options.maxRoundupRate ?? DEFAULT_MAX_ROUNDUP_RATE) ? up.maxLayers : row.maxLayers;
  let source: string;
  if (pixels === pixelsDown) source = `table ${row.width}x${row.height}`;
  else if (pixelsDown === 0)
    source = options.lowresInterpolation
      ? `below ${up.width}x${up.height}, towards 0`
      : `below ${up.width}x${up.height} (held at its values)`;
  else source = `between ${up.width}x${up.height} and ${row.width}x${row.height}`;
  return {
    maxLayers,
    maxBps: mix(up.maxKbps, row.maxKbps),
    targetBps: mix(up.targetKbps, row.targetKbps),
    minBps: mix(up.minKbps, row.minKbps),
    source,
  };
}

/**
 * How many encodings libwebrtc keeps for an input resolution (LimitSimulcastLayerCount, unless the
 * WebRTC-LegacySimulcastLayerLimit trial is disabled): the table's max layers for the input size
 * (with the 10 % round-up), but at least up to the FIRST active encoding (requiredLayers). The first
 * encodings in list order are kept; the ones above are not sent even when active.
 */
export function limitSimulcastLayerCount(
  codec: Codec,
  inputWidth: number,
  inputHeight: number,
  requiredLayers: number,
  requestedLayers: number,
): number {
  const tableLayers = interpolateSimulcastFormat(codec, inputWidth, inputHeight, {
    lowresInterpolation: false,
  }).maxLayers;
  return Math.min(requestedLayers, Math.max(requiredLayers, tableLayers));
}
