// The seed question, per render size: which measured layer (scenario + rid) looks best to a viewer
// who renders at this size, and which is the cheapest one within `tolerance` of it. Every measured
// scenario competes (e.g. h held at its target while f is on, h alone as top layer, f scaled down):
// the point is to learn what each configuration is worth, not only what one sender sends.
// Cost is what is actually sent (steady actualKbps): that is what a viewer's link must carry.
import { parseSize } from '../units.js';
import type { LayerCandidate, QualityPoint, ViewerSizeAnswer } from './RecommendationTypes.js';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Bits a layer really puts on the wire (actual, else target). */
export function sentKbps(p: QualityPoint): number {
  return p.actualKbps ?? p.targetKbps ?? p.kbps;
}

export function candidateAt(p: QualityPoint, size: string): LayerCandidate | undefined {
  const s = p.sizes[size];
  if (s?.score === undefined) return undefined;
  const kbps = sentKbps(p);
  const c: LayerCandidate = {
    scenarioId: p.scenarioId,
    scenario: p.scenario,
    rid: p.rid,
    layer: p.layer,
    kbps,
    score: s.score,
    scorePerMbps: round(s.score / (kbps / 1000), 3),
  };
  if (s.vmafMean !== undefined) c.vmaf = s.vmafMean;
  if (s.psnrYMean !== undefined) c.psnrY = s.psnrYMean;
  return c;
}

/**
 * For one codec's points and one viewport size: the best layer (highest score; ties: fewer kbps) and
 * the cheapest layer scoring at least best - tolerance (ties: higher score). Undefined when no layer
 * was measured at this size.
 */
export function viewerSizeAnswer(
  points: readonly QualityPoint[],
  size: string,
  tolerance: number,
): ViewerSizeAnswer | undefined {
  const candidates = points
    .map((p) => candidateAt(p, size))
    .filter((c): c is LayerCandidate => c !== undefined)
    .sort((a, b) => b.score - a.score || a.kbps - b.kbps);
  if (candidates.length === 0) return undefined;
  const best = candidates[0];
  const cheapest = candidates
    .filter((c) => c.score >= best.score - tolerance)
    .sort((a, b) => a.kbps - b.kbps || b.score - a.score)[0];
  const wh = parseSize(size) ?? { width: 0, height: 0 };
  return { codec: points[0].codec, size, width: wh.width, height: wh.height, best, cheapest, candidates };
}
