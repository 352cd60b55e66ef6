// Simulcast against SVC at the same total upload (issue 23 point 4), per viewer size: for one codec,
// one simulcast scenario and one SVC scenario are paired, the pair whose total uploads are closest
// (all simulcast layers summed; every spatial layer of the SVC stream, from its tapped bytes). Per
// size: the best picture each delivers to a viewer who renders at that size (its best layer / best
// operating point), what the SFU sends that viewer (the layer's or point's kbps) and what the sender
// uploads. A winner (and by how many VMAF points) is named only when the two uploads are within
// UPLOAD_TOLERANCE of each other: otherwise the mode that uploads more could win by its bits alone,
// and the row says how far apart the uploads are instead.
import type { LayerRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { ModeAtSize, QualityPoint, SvcVersusSimulcastRow } from './RecommendationTypes.js';
import { candidateAt, sentKbps } from './viewerSizeAnswer.js';

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

function best(
  points: readonly QualityPoint[],
  size: string,
  scenarios: ReadonlyMap<string, ScenarioRecord>,
): ModeAtSize | undefined {
  let out: ModeAtSize | undefined;
  for (const p of points) {
    const c = candidateAt(p, size);
    if (!c) continue;
    if (
      !out ||
      c.score > out.candidate.score ||
      (c.score === out.candidate.score && sentKbps(p) < out.candidate.kbps)
    ) {
      const s = scenarios.get(p.scenarioId);
      out = { candidate: c, uploadKbps: s ? uploadKbps(s) : 0 };
    }
  }
  return out;
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
        simulcast: best(sim, size, byId),
        svc: best(svc, size, byId),
        uploadDifference,
        sameUpload,
      };
      if (row.simulcast && row.svc && sameUpload) {
        const d = row.svc.candidate.score - row.simulcast.candidate.score;
        row.better = d > 0 ? 'svc' : 'simulcast';
        row.by = Math.round(Math.abs(d) * 100) / 100;
      }
      rows.push(row);
    }
  }
  return rows;
}
