// Which encodings libwebrtc configures for an input size, and at what resolution
// (video/config/encoder_stream_factory.cc GetStreamResolutions, FindRequiredActiveLayers;
// video/config/simulcast.cc LimitSimulcastLayerCount). Facts re-checked against the upstream tests
// encoder_stream_factory_unittest.cc (ReducesStreamCountWhenResolutionIsLow,
// ReducesStreamCountDownToFirstActiveStream, KeepsHighResolutionWhenStreamCountIsReduced, ...).
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import {
  normalizeInputResolution,
  scaleResolutionDownBy,
  scaleResolutionDownTo,
  type Resolution,
} from './LayerResolution.js';
import { limitSimulcastLayerCount } from './SimulcastTable.js';

export interface StreamResolutions {
  /** How many encodings (the first ones, in list order) are configured; the rest are not sent. */
  kept: number;
  /** One per encoding; for encodings beyond `kept` the size they would have had. */
  sizes: Resolution[];
  notes: string[];
}

/** FindRequiredActiveLayers: enough layers that the FIRST active encoding is present. */
export function requiredLayers(encodings: readonly Pick<RtpEncodingParameters, 'active'>[]): number {
  const first = encodings.findIndex((e) => e.active);
  return first < 0 ? 0 : first + 1;
}

/**
 * Who decides the scale of an encoding without scaleResolutionDownBy:
 * - 'chrome': the browser fills in the spec's 2^(n-1-i) before libwebrtc sees the encodings
 *   (measured on Chromium 156: a 640x360 camera with q/h/f unset sent 160x90 and 320x180, the same as
 *   4/2/1), so the explicit-factor rules apply;
 * - 'libwebrtc': libwebrtc's own API, where no factor set means halving from the top kept layer
 *   (EncoderConfig::HasScaleResolutionDownBy false; KeepsHighResolutionWhenStreamCountIsReduced).
 */
export type UnsetScaleRule = 'chrome' | 'libwebrtc';

/** True when libwebrtc itself picks the scales: no encoding sets one and the rule is libwebrtc's. */
export function usesDefaultHalving(
  encodings: readonly RtpEncodingParameters[],
  rule: UnsetScaleRule = 'chrome',
): boolean {
  return (
    rule === 'libwebrtc' &&
    encodings.every((e) => e.scaleResolutionDownByUnset) &&
    !encodings.some((e) => e.scaleResolutionDownTo)
  );
}

export function streamResolutions(
  codec: Codec,
  input: Resolution,
  encodings: readonly RtpEncodingParameters[],
  rule: UnsetScaleRule = 'chrome',
): StreamResolutions {
  const notes: string[] = [];
  const hasDownTo = encodings.some((e) => e.scaleResolutionDownTo);
  // With scaleResolutionDownTo the input-size layer limit does not apply.
  const kept = hasDownTo
    ? encodings.length
    : limitSimulcastLayerCount(codec, input.width, input.height, requiredLayers(encodings), encodings.length);
  if (kept < encodings.length) {
    const dropped = encodings.slice(kept).map((e) => e.rid);
    notes.push(
      `libwebrtc sends ${kept} stream${kept === 1 ? '' : 's'} for a ${input.width}x${input.height} input: ${dropped.join(', ')} not sent ` +
        '(encoder_stream_factory.cc / simulcast.cc LimitSimulcastLayerCount: layers allowed by the input size, at least up to the first active encoding)',
    );
  }
  const halving = usesDefaultHalving(encodings, rule);
  const norm = normalizeInputResolution(
    input,
    encodings.map((e) => e.scaleResolutionDownBy),
    halving ? kept : undefined,
  );
  if (norm.width !== input.width || norm.height !== input.height) {
    notes.push(
      `input ${input.width}x${input.height} rounded down to ${norm.width}x${norm.height} (multiple of the largest power-of-two scale factor)`,
    );
  }
  const sizes = encodings.map((e, i): Resolution => {
    if (e.scaleResolutionDownTo) return scaleResolutionDownTo(norm, e.scaleResolutionDownTo);
    if (halving) {
      // Default 1/2 per layer, counted from the top KEPT layer (KeepsHighResolutionWhenStreamCountIsReduced).
      const shift = Math.max(0, kept - i - 1);
      return { width: norm.width >> shift, height: norm.height >> shift };
    }
    return scaleResolutionDownBy(norm, e.scaleResolutionDownBy);
  });
  if (halving)
    notes.push(
      `no scaleResolutionDownBy set: each layer is half the next (${sizes
        .slice(0, kept)
        .map((s) => `${s.width}x${s.height}`)
        .join(', ')})`,
    );
  else if (encodings.every((e) => e.scaleResolutionDownByUnset) && !hasDownTo) {
    notes.push(
      `no scaleResolutionDownBy set: Chrome uses ${encodings.map((e) => e.scaleResolutionDownBy).join('/')} (2^(n-1-i), as the spec says)`,
    );
  }
  return { kept, sizes, notes };
}

/** The size each encoding is configured with (0x0 for one that is not sent): for the capture's records. */
export function configuredLayerSizes(
  codec: Codec,
  input: Resolution,
  encodings: readonly RtpEncodingParameters[],
): (Resolution & { sent: boolean })[] {
  const r = streamResolutions(codec, input, encodings);
  return r.sizes.map((s, i) => ({ ...s, sent: i < r.kept }));
}
