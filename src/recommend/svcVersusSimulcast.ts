// Simulcast against SVC, per viewer size: for one codec, the best picture each mode delivers to a
// viewer who renders at that size (the best measured layer of the simulcast scenarios, the best
// operating point of the SVC scenarios), what the SFU sends that viewer (the layer's or point's kbps)
// and what each mode costs the sender (all simulcast layers summed; every spatial layer of the SVC
// stream, from its tapped bytes). Which mode serves the size better, and by how many VMAF points.
import type { LayerRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { LayerCandidate, QualityPoint } from './RecommendationTypes.js';
import { candidateAt, sentKbps } from './viewerSizeAnswer.js';

export interface ModeAtSize {
  candidate: LayerCandidate;
  /** What the sender uploads in the scenario of the candidate. */
  uploadKbps: number;
}

export interface SvcVersusSimulcastRow {
  codec: string;
  size: string;
  simulcast?: ModeAtSize;
  svc?: ModeAtSize;
  /** The mode with the higher score; absent when one side was not measured at this size. */
  better?: 'simulcast' | 'svc';
  /** Score difference (better minus worse), in the score's unit (VMAF points by default). */
  by?: number;
}

/** A scenario is SVC when one of its layers is an operating point cut from an SVC encoding. */
export function isSvcScenario(s: Pick<ScenarioRecord, 'layers'>): boolean {
  return s.layers.some((l) => l.svcPoint !== undefined);
}

/** Upload of a scenario: simulcast, its layers' steady rates; SVC, its spatial layers' tapped rates. */
export function uploadKbps(s: Pick<ScenarioRecord, 'layers'>): number {
  const svc = s.layers.find((l) => l.svc)?.svc;
  if (svc) return round(svc.layersVsPlan.reduce((sum, l) => sum + l.measuredKbps, 0));
  return round(s.layers.filter((l: LayerRecord) => l.active && !l.svcPoint).reduce((sum, l) => sum + (l.steady?.actualKbpsMean ?? 0), 0));
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function best(points: readonly QualityPoint[], size: string, scenarios: ReadonlyMap<string, ScenarioRecord>): ModeAtSize | undefined {
  let out: ModeAtSize | undefined;
  for (const p of points) {
    const c = candidateAt(p, size);
    if (!c) continue;
    if (!out || c.score > out.candidate.score || (c.score === out.candidate.score && sentKbps(p) < out.candidate.kbps)) {
      const s = scenarios.get(p.scenarioId);
      out = { candidate: c, uploadKbps: s ? uploadKbps(s) : 0 };
    }
  }
  return out;
}

/** One row per (codec, size) where a simulcast and an SVC scenario of the codec were both measured. */
export function svcVersusSimulcast(points: readonly QualityPoint[], scenarios: readonly ScenarioRecord[], sizes: readonly string[]): SvcVersusSimulcastRow[] {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const svcIds = new Set(scenarios.filter(isSvcScenario).map((s) => s.id));
  const rows: SvcVersusSimulcastRow[] = [];
  for (const codec of [...new Set(points.map((p) => p.codec))]) {
    const mine = points.filter((p) => p.codec === codec);
    const svc = mine.filter((p) => svcIds.has(p.scenarioId));
    const sim = mine.filter((p) => !svcIds.has(p.scenarioId));
    if (svc.length === 0 || sim.length === 0) continue;
    for (const size of sizes) {
      const row: SvcVersusSimulcastRow = { codec, size, simulcast: best(sim, size, byId), svc: best(svc, size, byId) };
      if (row.simulcast && row.svc) {
        const d = row.svc.candidate.score - row.simulcast.candidate.score;
        row.better = d > 0 ? 'svc' : 'simulcast';
        row.by = Math.round(Math.abs(d) * 100) / 100;
      }
      rows.push(row);
    }
  }
  return rows;
}
