// Built-in scenarios that reproduce the experiment of the article "Target Bitrates vs Max Bitrates"
// that simq started from: three layers q/h/f at 1/4, 1/2 and full resolution.
import type { RtpEncodingParameters, ScenarioDefinition } from './ScenarioTypes.js';

function layers(
  overrides: Partial<Record<'q' | 'h' | 'f', Partial<RtpEncodingParameters>>> = {},
): RtpEncodingParameters[] {
  const base: RtpEncodingParameters[] = [
    { rid: 'q', scaleResolutionDownBy: 4, active: true },
    { rid: 'h', scaleResolutionDownBy: 2, active: true },
    { rid: 'f', scaleResolutionDownBy: 1, active: true },
  ];
  return base.map((e) => ({ ...e, ...overrides[e.rid as 'q' | 'h' | 'f'] }));
}

export const PRESETS: Record<string, ScenarioDefinition> = {
  'all-layers': {
    name: 'all-layers',
    description: 'q/h/f at 4/2/1, no maxBitrate: lower layers held at their target, f may reach its max',
    encodings: layers(),
  },
  'top-off': {
    name: 'top-off',
    description: 'f inactive: h becomes the top layer and may climb to its max',
    encodings: layers({ f: { active: false } }),
  },
  'only-low': {
    name: 'only-low',
    description: 'only q active: q is the top layer',
    encodings: layers({ h: { active: false }, f: { active: false } }),
  },
  'boost-mid': {
    name: 'boost-mid',
    description: 'h maxBitrate 1000 kbps: its target becomes 3/4 of that while f is on',
    encodings: layers({ h: { maxBitrate: 1_000_000 } }),
  },
  // SVC: one encoding whose spatial layers an SFU forwards as operating points (docs/svc.md).
  'svc-l3t3-key': {
    name: 'svc-l3t3-key',
    description:
      "VP9 SVC L3T3_KEY in one encoding (LiveKit's default for VP9): spatial layers 1/4, 1/2, 1 predicted from each other on key pictures only",
    codec: 'vp9',
    encodings: [{ rid: 'f', scaleResolutionDownBy: 1, active: true, scalabilityMode: 'L3T3_KEY' }],
  },
  'svc-l3t3': {
    name: 'svc-l3t3',
    description: 'AV1 SVC L3T3 in one encoding: three spatial layers with inter-layer prediction on every picture',
    codec: 'av1',
    encodings: [{ rid: 'f', scaleResolutionDownBy: 1, active: true, scalabilityMode: 'L3T3' }],
  },
};
