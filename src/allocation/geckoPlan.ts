// `simq plan --browser firefox`: gecko's per-stream min / start / max (GeckoStreams.ts) fed to the
// libwebrtc simulcast allocator Firefox also runs (modules/video_coding/utility/
// simulcast_rate_allocator.cc: lower streams get up to their target, which gecko sets to the start
// rate, the top stream the rest up to its max). A derivation from source, labelled as such.
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { geckoStreams, type GeckoStream } from './GeckoStreams.js';
import { allocateSimulcast } from './RateAllocator.js';

/** Firefox sends two temporal layers per simulcast stream (VP8/VP9/AV1). */
export const FIREFOX_TEMPORAL_LAYERS = 2;
/** Camera content: a layer switching on needs 1.2 x its min (simulcast_rate_allocator.cc). */
const HYSTERESIS = 1.2;

export interface GeckoPlanLayer extends GeckoStream {
  /** kbps at each budget, in the order of GeckoPlan.budgetsKbps; 0 = off. */
  allocatedKbps: number[];
}

export interface GeckoPlan {
  id: string;
  source: string;
  /** null = no cap: every stream at its max (the estimate, not gecko, limits it then). */
  budgetsKbps: (number | null)[];
  layers: GeckoPlanLayer[];
}

export function geckoPlan(
  scenario: Scenario,
  input: { width: number; height: number },
  capsBps: (number | null)[],
): GeckoPlan {
  const streams = geckoStreams(input, scenario.encodings);
  const order = streams.map((_, i) => i).sort((a, b) => streams[a].maxKbps - streams[b].maxKbps || a - b);
  const layers = streams.map((s) => ({
    minBps: s.minKbps * 1000,
    targetBps: s.startKbps * 1000,
    maxBps: s.maxKbps * 1000,
    active: s.sent,
    temporalLayers: FIREFOX_TEMPORAL_LAYERS,
  }));
  const unlimited = layers.reduce((sum, l) => sum + (l.active ? l.maxBps : 0), 0);
  const allocations = capsBps.map(
    (cap) => allocateSimulcast(layers, cap ?? unlimited, { order, hysteresis: HYSTERESIS }).bps,
  );
  return {
    id: scenario.id,
    source:
      'gecko dom/media/webrtc/libwebrtcglue/VideoStreamFactory.cpp + libwebrtc simulcast_rate_allocator.cc (derived, not measured)',
    budgetsKbps: capsBps.map((c) => (c === null ? null : Math.round(c / 1000))),
    layers: streams.map((s, i) => ({ ...s, allocatedKbps: allocations.map((a) => Math.round(a[i] / 1000)) })),
  };
}
