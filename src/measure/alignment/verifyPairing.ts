// Verification of the pairing at the layer's own size. The alignment works on 64-pixel-wide
// thumbnails and leans on rtpTimestamps where the thumbnails cannot tell neighbouring source frames
// apart; both fail together when only a small part of the picture moves (a webcam inset on a shared
// screen) and the machine is busy: the file camera then delivers consecutive frames more slowly, so
// timestamp gaps look like dropped frames that never were. Here every captured frame is compared
// with its chosen source frame and the source frames around it on every pixel of luma at the
// layer's size (the reference scaled with the area filter, close to the box filter libyuv uses for
// simulcast layers), and moved where a neighbour is clearly better.
import { median } from '../aggregate.js';
import type { Thumbnails } from './AlignmentTypes.js';

/**
 * How a captured frame's pairing stands after verification:
 * - verified: its source frame matches better than every neighbour by at least `distinctDb`;
 * - tied: a neighbour matches within `distinctDb` (static content: either pairing gives the same score)
 *   and the match is as good as its neighbours' pictures' matches; also a pairing that stepped back,
 *   moved to the candidate that does not when it matches within `stepTieDb`;
 * - repaired: a neighbour matched better by more than `repairDb` and was taken instead;
 * - ambiguous: the best match lies at the edge of the widest search (the source may be further away),
 *   a tie matches far worse than the pictures around it while a source frame further off matches it
 *   clearly better (every candidate in reach is as wrong as the others), or the pairing runs
 *   backwards against the previous frame's while every candidate that does not matches clearly
 *   worse; the score may describe the wrong picture.
 */
import type { PairingCounts } from '../../rundir/MeasureTypes.js';

export type { PairingCounts };
export type PairingVerdict = 'verified' | 'tied' | 'repaired' | 'ambiguous';

export interface PairingTuning {
  /** Source frames compared on each side of the chosen one. */
  window: number;
  /** The search widens up to this many frames on a side while the best match sits at its edge. */
  maxWindow: number;
  /** A neighbour must beat the chosen frame by more than this (dB of luma PSNR) to be taken instead. */
  repairDb: number;
  /** Below this margin over every neighbour (dB) a pairing counts as a tie, not as verified. */
  distinctDb: number;
  /** A tie that matches this many dB worse than the distinct matches around it (median over
   *  +-outlierSpan pictures) matches none of its candidates: its source lies elsewhere. */
  outlierDb: number;
  outlierSpan: number;
  /** Source frames searched on each side of a tie (sampled pixels) for one that matches clearly better. */
  tieSearch: number;
  /** A pairing that steps back against the previous picture's is a tie when a candidate that does not
   *  step back matches within this many dB: the two source frames are as alike as coding noise allows.
   *  0.5 dB is where the tests' independent brute-force search calls two candidates a tie. */
  stepTieDb: number;
}

export const DEFAULT_PAIRING_TUNING: PairingTuning = {
  window: 3,
  maxWindow: 8,
  repairDb: 0.2,
  distinctDb: 0.2,
  outlierDb: 4,
  outlierSpan: 15,
  tieSearch: 30,
  stepTieDb: 0.5,
};

export interface PairingVerification {
  /** Per captured frame: the source index after verification. */
  sourceIndex: number[];
  verdict: PairingVerdict[];
  /** Per captured frame: luma PSNR (dB) against the source frame finally chosen. */
  psnrDb: number[];
}

/** Luma PSNR between frame a of `x` and frame b of `y` (same size), capped at 100 dB. */
export function framePsnr(x: Thumbnails, a: number, y: Thumbnails, b: number): number {
  const px = x.width * x.height;
  const xa = a * px;
  const yb = b * px;
  let sum = 0;
  for (let j = 0; j < px; j++) {
    const d = x.data[xa + j] - y.data[yb + j];
    sum += d * d;
  }
  return sum === 0 ? 100 : 10 * Math.log10((255 * 255 * px) / sum);
}

const mod = (v: number, n: number) => ((v % n) + n) % n;

/** Scores of the chosen frame's neighbourhood, widened while the best match sits at an edge. */
function searchAround(layer: Thumbnails, i: number, reference: Thumbnails, chosen: number, t: PairingTuning) {
  const n = reference.count;
  const scores = new Map<number, number>();
  const score = (o: number) => {
    if (!scores.has(o)) scores.set(o, framePsnr(layer, i, reference, mod(chosen + o, n)));
    return scores.get(o)!;
  };
  let lo = -Math.min(t.window, Math.floor((n - 1) / 2));
  let hi = Math.min(t.window, Math.floor(n / 2));
  const limit = Math.min(t.maxWindow, Math.floor((n - 1) / 2));
  for (;;) {
    let best = 0;
    for (let o = lo; o <= hi; o++) if (score(o) > score(best)) best = o;
    if (best === lo && lo > -limit) lo--;
    else if (best === hi && hi < limit) hi++;
    else return { best, atEdge: (best === lo && lo !== 0) || (best === hi && hi !== 0), score };
  }
}

export function verifyPairing(
  layer: Thumbnails,
  reference: Thumbnails,
  sourceIndex: readonly number[],
  tuning: Partial<PairingTuning> = {},
): PairingVerification {
  if (layer.width !== reference.width || layer.height !== reference.height) {
    throw new Error(
      `verifyPairing: layer frames are ${layer.width}x${layer.height}, reference frames ${reference.width}x${reference.height}`,
    );
  }
  const verifier = new PairingVerifier(reference, sourceIndex, tuning);
  const px = layer.width * layer.height;
  for (let i = 0; i < sourceIndex.length && i < layer.count; i++)
    verifier.push(layer.data.subarray(i * px, (i + 1) * px));
  return verifier.finish();
}

/**
 * verifyPairing one captured frame at a time, as a decoder delivers them: a layer's frames at its own
 * size need not all be held (at 1280x720 a layer's luma is about 250 MB, and fresh memory is slow
 * to fault in on a small VM). Frames beyond sourceIndex are ignored.
 */
export class PairingVerifier {
  private readonly t: PairingTuning;
  private readonly out: PairingVerification = { sourceIndex: [], verdict: [], psnrDb: [] };
  /** Per tie: how much better (dB, sampled pixels) the best source frame within +-tieSearch matches. */
  private readonly tieGain = new Map<number, number>();
  private readonly px: number;

  constructor(
    private readonly reference: Thumbnails,
    private readonly sourceIndex: readonly number[],
    tuning: Partial<PairingTuning> = {},
  ) {
    this.t = { ...DEFAULT_PAIRING_TUNING, ...tuning };
    this.px = reference.width * reference.height;
  }

  /** The next captured frame's luma at the reference's size (width x height bytes). */
  push(frame: Uint8Array): void {
    const { t, out, reference } = this;
    const i = out.sourceIndex.length;
    if (i >= this.sourceIndex.length) return;
    if (frame.length !== this.px)
      throw new Error(
        `verifyPairing: frame ${i} has ${frame.length} bytes, the reference frames ${reference.width}x${reference.height}`,
      );
    const layer: Thumbnails = { width: reference.width, height: reference.height, count: 1, data: frame };
    const n = reference.count;
    const chosen = this.sourceIndex[i];
    const { best, atEdge, score } = searchAround(layer, 0, reference, chosen, t);
    let pick = 0;
    let verdict: PairingVerdict;
    if (score(best) - score(0) > t.repairDb) {
      pick = best;
      verdict = atEdge ? 'ambiguous' : 'repaired';
    } else {
      let runnerUp = -Infinity;
      for (let o = -t.window; o <= t.window; o++) if (o !== 0) runnerUp = Math.max(runnerUp, score(o));
      verdict = score(0) - runnerUp >= t.distinctDb ? 'verified' : 'tied';
    }
    // The camera never goes back in the clip (only its loop repeats one frame): a pairing that steps
    // backwards against the previous frame's cannot both be right. When a candidate that does not
    // step back matches within stepTieDb, the two are alike within coding noise (a still moment at a
    // small size: a 160x90 layer had 3 of 333 pictures step back this way, every one right to the
    // brute-force search) and either gives the same score: that candidate is taken, as a tie.
    if (i > 0 && verdict !== 'tied' && stepsBack(mod(chosen + pick, n), out.sourceIndex[i - 1], n)) {
      const forward = bestForward(score, chosen, out.sourceIndex[i - 1], n, t.window);
      if (forward !== undefined && score(pick) - score(forward) <= t.stepTieDb) {
        pick = forward;
        verdict = 'tied';
      } else verdict = 'ambiguous';
    }
    const source = mod(chosen + pick, n);
    if (verdict === 'tied') this.tieGain.set(i, bestGainNearby(layer, reference, source, t.tieSearch));
    out.sourceIndex.push(source);
    out.verdict.push(verdict);
    out.psnrDb.push(Math.round(score(pick) * 100) / 100);
  }

  /** Frames pushed so far (at most sourceIndex.length). */
  get count(): number {
    return this.out.sourceIndex.length;
  }

  /** The verification of the frames pushed, with the outlier ties marked. */
  finish(): PairingVerification {
    markOutlierTies(this.out, this.t, this.tieGain);
    return this.out;
  }
}

/** Whether pairing with `source` after `previous` goes back in the clip (across the loop, the short way). */
const stepsBack = (source: number, previous: number, n: number) => mod(source - previous, n) > n / 2;

/** The best-matching offset within +-window of `chosen` whose source frame does not step back from `previous`. */
function bestForward(score: (o: number) => number, chosen: number, previous: number, n: number, window: number) {
  let best: number | undefined;
  const reach = Math.min(window, Math.floor((n - 1) / 2));
  for (let o = -reach; o <= reach; o++)
    if (!stepsBack(mod(chosen + o, n), previous, n) && (best === undefined || score(o) > score(best))) best = o;
  return best;
}

/** Luma PSNR over about SAMPLES pixels of frame 0 of `x` and frame b of `y`: the wide search's cheap score. */
const SAMPLES = 20_000;
function sampledPsnr(x: Thumbnails, y: Thumbnails, b: number): number {
  const px = x.width * x.height;
  const stride = Math.max(1, Math.floor(px / SAMPLES));
  const yb = b * px;
  let sum = 0;
  let n = 0;
  for (let j = 0; j < px; j += stride) {
    const d = x.data[j] - y.data[yb + j];
    sum += d * d;
    n++;
  }
  return sum === 0 ? 100 : 10 * Math.log10((255 * 255 * n) / sum);
}

/** How much better than `source` the best frame within +-span of it matches (0 when none does). */
function bestGainNearby(layer: Thumbnails, reference: Thumbnails, source: number, span: number): number {
  const n = reference.count;
  const reach = Math.min(span, Math.floor((n - 1) / 2));
  const base = sampledPsnr(layer, reference, source);
  let gain = 0;
  for (let o = -reach; o <= reach; o++)
    if (o !== 0) gain = Math.max(gain, sampledPsnr(layer, reference, mod(source + o, n)) - base);
  return gain;
}

/**
 * A tie far below how well distinct pictures around it match may be a plateau of equally wrong
 * candidates: its source lies outside the search. "Around" is the distinct (verified) pictures within
 * +-outlierSpan, else the layer's; a layer without any distinct picture is static throughout and its
 * ties stand. A low level alone is no proof: on a screen share whose webcam inset is still, the
 * pictures at the start of the window are right ties that match worse only because the encoder was
 * still ramping its bitrate (issue 24: 8 pictures in a row called ambiguous, every one right). So a
 * low tie counts as ambiguous only when a source frame within +-tieSearch matches it clearly better
 * (by more than distinctDb): then its candidates really were all wrong.
 */
function markOutlierTies(v: PairingVerification, t: PairingTuning, tieGain: ReadonlyMap<number, number>): void {
  const distinct = v.verdict.map((x, i) => (x === 'verified' ? i : -1)).filter((i) => i >= 0);
  if (distinct.length === 0) return;
  const layerLevel = median(distinct.map((i) => v.psnrDb[i]))!;
  v.verdict.forEach((verdict, i) => {
    if (verdict !== 'tied') return;
    const near = distinct.filter((j) => Math.abs(j - i) <= t.outlierSpan).map((j) => v.psnrDb[j]);
    const level = near.length ? median(near)! : layerLevel;
    if (v.psnrDb[i] < level - t.outlierDb && (tieGain.get(i) ?? Infinity) > t.distinctDb) v.verdict[i] = 'ambiguous';
  });
}

export function countVerdicts(verdicts: readonly PairingVerdict[]): PairingCounts {
  const c: PairingCounts = { verified: 0, tied: 0, repaired: 0, ambiguous: 0 };
  for (const v of verdicts) c[v]++;
  return c;
}
