// Simulcast against SVC at the same total upload (issue 23 point 4), per viewer size: for one codec,
// one simulcast scenario and one SVC scenario are paired, the pair whose total uploads are closest
// (all simulcast layers summed; every spatial layer of the SVC stream, from its tapped bytes). Per
// size: the layer / operating point an SFU forwards to a viewer of that size (forwardedLayer: the
// smallest whose own size covers the viewer), its score at the viewer's size, what it costs the SFU's
// downlink to that viewer (its kbps) and what the sender uploads. The forwarded layer, not the best
// one: the best picture at every size is usually the top layer scaled down (~1.5 Mbps at 720p), which
// no SFU sends to a thumbnail, so comparing best layers compares two top layers at every size.
// A winner (and by how many VMAF points) is named only when the two uploads are within
// UPLOAD_TOLERANCE of each other: otherwise the mode that uploads more could win by its bits alone,
// and the row says how far apart the uploads are instead.
import type { LayerRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { ModeAtSize, QualityPoint, SvcVersusSimulcastRow } from './RecommendationTypes.js';
import { parseSize } from '../units.js';
import { candidateAt } from './viewerSizeAnswer.js';

/** Uploads within 10 % of each other count as the same upload (a steady-state rate varies by a few %). */
export const UPLOAD_TOLERANCE = 0.1;

/** A scenario is SVC when one of its layers is an operating point cut from an SVC encoding. */
export function isSvcScenario(s: Pick<ScenarioRecord, 'layers'>): boolean {
  return s.layers.some((l) => l.svcPoint !== undefined);
}

/** Upload of a scenario: simulcast, its layers' steady rates; SVC, its spatial layers' tapped rates. */
export function uploadKbps(s: Pick<ScenarioRecord, 'layers'>): number {
  const svc = s.layers.find((l) => l.svc)?.svc;
  if (svc) return round(svc.layersVsPlan.reduce((sum, l) => sum + l.measuredKbps, 0));
  return round(
    s.layers
      .filter((l: LayerRecord) => l.active && !l.svcPoint)
      .reduce((sum, l) => sum + (l.steady?.actualKbpsMean ?? 0), 0),
  );
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The layer an SFU forwards to a viewer of `size`: the smallest (by pixels) whose own size covers the
 * viewer (width and height both >=), else the largest. The same covering rule simqPreferredLayers
 * (exports/mediasoup.ts) applies to a viewer's size; applied here to the layers' own sizes, it is
 * what LiveKit's adaptiveStream and Jitsi's receiver constraints do (a layer no smaller than the tile).
 * Undefined when no layer has a known size.
 */
export function forwardedLayer<T extends { width: number; height: number }>(
  layers: readonly T[],
  size: string,
): T | undefined {
  const viewer = parseSize(size);
  const sized = layers.filter((l) => l.width > 0 && l.height > 0);
  if (!viewer || sized.length === 0) return undefined;
  const area = (l: T) => l.width * l.height;
  const covering = sized.filter((l) => l.width >= viewer.width && l.height >= viewer.height);
  if (covering.length) return covering.reduce((a, b) => (area(b) < area(a) ? b : a));
  return sized.reduce((a, b) => (area(b) > area(a) ? b : a));
}

function forwarded(
  points: readonly QualityPoint[],
  size: string,
  scenarios: ReadonlyMap<string, ScenarioRecord>,
): ModeAtSize | undefined {
  const p = forwardedLayer(points, size);
  const c = p && candidateAt(p, size);
  if (!p || !c) return undefined;
  const s = scenarios.get(p.scenarioId);
  return { forwarded: c, uploadKbps: s ? uploadKbps(s) : 0 };
}

/** The (simulcast, SVC) scenario pair of one codec whose uploads are closest (relative to the larger). */
function closestPair(
  sim: readonly ScenarioRecord[],
  svc: readonly ScenarioRecord[],
): [ScenarioRecord, ScenarioRecord] | undefined {
  let out: [ScenarioRecord, ScenarioRecord] | undefined;
  let gap = Infinity;
  for (const a of sim) {
    for (const b of svc) {
      const ua = uploadKbps(a);
      const ub = uploadKbps(b);
      if (!(ua > 0) || !(ub > 0)) continue;
      const d = Math.abs(ub - ua) / Math.max(ua, ub);
      if (d < gap) [gap, out] = [d, [a, b]];
    }
  }
  return out;
}

/** One row per (codec, size) where a simulcast and an SVC scenario of the codec were both measured. */
export function svcVersusSimulcast(
  points: readonly QualityPoint[],
  scenarios: readonly ScenarioRecord[],
  sizes: readonly string[],
  tolerance = UPLOAD_TOLERANCE,
): SvcVersusSimulcastRow[] {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const svcIds = new Set(scenarios.filter(isSvcScenario).map((s) => s.id));
  const rows: SvcVersusSimulcastRow[] = [];
  for (const codec of [...new Set(points.map((p) => p.codec))]) {
    const mine = points.filter((p) => p.codec === codec);
    const measured = [...new Set(mine.map((p) => p.scenarioId))].flatMap((id) => byId.get(id) ?? []);
    const pair = closestPair(
      measured.filter((s) => !svcIds.has(s.id)),
      measured.filter((s) => svcIds.has(s.id)),
    );
    if (!pair) continue;
    const sim = mine.filter((p) => p.scenarioId === pair[0].id);
    const svc = mine.filter((p) => p.scenarioId === pair[1].id);
    const [upSim, upSvc] = [uploadKbps(pair[0]), uploadKbps(pair[1])];
    const uploadDifference = Math.round(((upSvc - upSim) / upSim) * 1000) / 1000;
    const sameUpload = Math.abs(upSvc - upSim) / Math.max(upSim, upSvc) <= tolerance;
    for (const size of sizes) {
      const row: SvcVersusSimulcastRow = {
        codec,
        size,
        simulcast: forwarded(sim, size, byId),
        svc: forwarded(svc, size, byId),
        uploadDifference,
        sameUpload,
      };
      if (row.simulcast && row.svc && sameUpload) {
        const d = row.svc.forwarded.score - row.simulcast.forwarded.score;
        row.better = d > 0 ? 'svc' : 'simulcast';
        row.by = Math.round(Math.abs(d) * 100) / 100;
      }
      rows.push(row);
    }
  }
  return rows;
}
