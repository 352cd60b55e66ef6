// How libwebrtc turns the input size and scaleResolutionDownBy into each layer's resolution
// (video/config/encoder_stream_factory.cc: NormalizeResolution, ScaleResolutionDownBy,
// IsScaleFactorsPowerOfTwo).

export interface Resolution {
  width: number;
  height: number;
}

/** kMinLayerSize: no layer is scaled below 16 pixels on its short side. */
export const MIN_LAYER_SIZE = 16;

function isPowerOfTwo(value: number): boolean {
  return value > 0 && (value & (value - 1)) === 0;
}

/** True when every factor (values below 1 count as 1) is a whole power of two. */
export function scaleFactorsArePowerOfTwo(scales: readonly number[]): boolean {
  return scales.every((s) => {
    const scale = Math.max(s, 1);
    return Math.round(scale) === scale && isPowerOfTwo(scale);
  });
}

/**
 * The input resolution the layers are derived from. When all scale factors are powers of two and the
 * largest is > 1, libwebrtc rounds width and height down to a multiple of that largest factor, so
 * every layer divides evenly (1283x721 with 4/2/1 -> 1280x720). Other factors leave the size as is.
 */
export function normalizeInputResolution(
  input: Resolution,
  scales: readonly number[],
  defaultHalvingLayers?: number,
): Resolution {
  if (input.width < MIN_LAYER_SIZE || input.height < MIN_LAYER_SIZE) return input;
  let log2: number;
  if (defaultHalvingLayers !== undefined) {
    // No encoding sets scaleResolutionDownBy: 1/2 per layer, a multiple of 2^(layers-1).
    log2 = defaultHalvingLayers - 1;
  } else {
    if (!scaleFactorsArePowerOfTwo(scales)) return input;
    const maxScale = Math.max(...scales);
    if (!(maxScale > 1)) return input;
    log2 = Math.trunc(Math.log2(maxScale));
  }
  const step = 2 ** log2;
  if (input.width < step || input.height < step) return input;
  return { width: Math.floor(input.width / step) * step, height: Math.floor(input.height / step) * step };
}

/**
 * One layer's resolution: round(size / scale), except that the short side is kept at >= 16 pixels
 * (the scale is reduced to reach exactly 16) and an input already at or below 16 is not scaled.
 */
export function scaleResolutionDownBy(input: Resolution, scaleDownBy: number): Resolution {
  if (input.width <= MIN_LAYER_SIZE || input.height <= MIN_LAYER_SIZE) return input;
  let scale = Math.max(scaleDownBy, 1);
  // libwebrtc stores the short side in an int (truncation) before comparing it with 16.
  const shortSide = Math.trunc(Math.min(input.width / scale, input.height / scale));
  if (shortSide < MIN_LAYER_SIZE) scale = Math.min(input.width / MIN_LAYER_SIZE, input.height / MIN_LAYER_SIZE);
  return { width: Math.round(input.width / scale), height: Math.round(input.height / scale) };
}

/**
 * A layer's size under scaleResolutionDownTo (encoder_stream_factory.cc
 * GetLayerResolutionFromScaleResolutionDownTo): the box takes the frame's orientation, the frame is
 * scaled down by the smaller of the two ratios (never up) and rounded. The VideoAdapter then only
 * aligns it (alignment 1 for the software encoders here).
 */
export function scaleResolutionDownTo(frame: Resolution, box: { maxWidth: number; maxHeight: number }): Resolution {
  let { maxWidth: w, maxHeight: h } = box;
  if (frame.width < frame.height !== w < h) [w, h] = [h, w];
  if (frame.width > 0 && frame.height > 0 && (w < frame.width || h < frame.height)) {
    const factor = Math.min(w / frame.width, h / frame.height);
    return { width: Math.round(frame.width * factor), height: Math.round(frame.height * factor) };
  }
  return { ...frame };
}

/**
 * The input size the encoder really worked from, read back from the layer sizes the browser sent.
 * Under a bandwidth cap Chrome's quality scaler (degradationPreference "balanced") may scale the
 * whole input down (e.g. 1280x720 -> 960x540 with 480x270 and 240x135 layers); the allocation rules
 * then apply to those sizes. Returns the configured input when no layer was sent smaller.
 */
export function inputFromLayerSizes(
  configured: Resolution,
  layers: readonly { width?: number; height?: number; scaleResolutionDownBy: number }[],
): Resolution {
  let best: Resolution | undefined;
  for (const l of layers) {
    if (!l.width || !l.height) continue;
    const scale = Math.max(1, l.scaleResolutionDownBy);
    const candidate = { width: Math.round(l.width * scale), height: Math.round(l.height * scale) };
    if (!best || candidate.width * candidate.height > best.width * best.height) best = candidate;
  }
  if (!best || best.width * best.height >= configured.width * configured.height * 0.95) return configured;
  return best;
}
