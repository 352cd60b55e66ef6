// One SVC encoding (VP9/AV1 with a spatial scalabilityMode): its spatial layers, the split of the
// encoder's total over (spatial, temporal) layers, and the rate of each operating point an SFU can
// forward. Used by `simq plan` and by the capture (plan vs the tapped bytes per spatial layer).
import { parseScalabilityMode } from '../scenario/ScalabilityMode.js';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import type { InputVideo } from './AllocationTypes.js';
import { svcConfiguration } from './SvcConfig.js';
import { allocateSvc } from './SvcRateAllocator.js';
import type { SvcAllocation, SvcConfiguration, SvcOperatingPointPlan, SvcPrediction } from './SvcTypes.js';

/**
 * The bits of operating point (S, T): with inter-layer prediction on every picture ("L" modes) the
 * point needs every layer s <= S; with it on key pictures only (_KEY, _KEY_SHIFT) or never ("S"
 * modes) a delta picture of layer S references layer S alone, so an SFU forwards layer S only
 * (key pictures aside, which the steady-state rate ignores).
 */
export function operatingPoints(config: SvcConfiguration, allocation: SvcAllocation): SvcOperatingPointPlan[] {
  const mode = parseScalabilityMode(config.mode);
  const full = mode?.interLayer === 'on';
  const out: SvcOperatingPointPlan[] = [];
  config.layers.forEach((layer, s) => {
    if (allocation.spatialBps[s] <= 0) return;
    for (let t = 0; t < layer.temporalLayers; t++) {
      let bps = 0;
      for (let s2 = full ? 0 : s; s2 <= s; s2++)
        for (let t2 = 0; t2 <= t; t2++) bps += allocation.temporalBps[s2][t2] ?? 0;
      out.push({ spatial: s, temporal: t, width: layer.width, height: layer.height, bps });
    }
  });
  return out;
}

/** The SVC layers of an encoding, or undefined when its mode has one spatial layer. */
export function svcLayersOf(
  codec: Codec,
  encoding: RtpEncodingParameters,
  input: InputVideo,
  capBps: number | null,
): SvcConfiguration | undefined {
  const mode = parseScalabilityMode(encoding.scalabilityMode ?? '');
  if (!mode || mode.spatialLayers < 2 || (codec !== 'vp9' && codec !== 'av1')) return undefined;
  const apiMax = [encoding.maxBitrate, capBps ?? undefined].filter((v): v is number => v !== undefined && v > 0);
  return svcConfiguration(codec, mode.name, input, apiMax.length ? Math.min(...apiMax) : undefined);
}

/** Splits the encoder's total (after packet overhead) over the SVC layers. */
export function predictSvc(config: SvcConfiguration, encoderTargetBps: number): SvcPrediction {
  const allocation = allocateSvc(config, encoderTargetBps);
  return { config, allocation, operatingPoints: operatingPoints(config, allocation) };
}
