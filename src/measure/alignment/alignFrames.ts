// Which source frame each captured frame of a layer came from: a Viterbi search over source indices
// (mod N: the fake camera loops the reference) that combines two kinds of evidence.
// - Timestamps: between captured frames i-1 and i the source advances by k >= 1 frames; the layer's
//   rtpTimestamps predict k (rtpTimeline.ts); longer steps pay stepPenalty per frame of difference,
//   shorter ones only shortStepPenalty: under load the camera delivers consecutive frames late, so a
//   long gap bounds the step rather than predicts it.
// - Content: a captured frame's thumbnail is nearest to its own source frame. The cost is the
//   distance's excess over the best candidate, relative to that best distance plus a noise floor, so
//   heavy coding noise does not drown the evidence and near-identical source frames (static content)
//   cost almost the same: the timestamps then decide.
// After the first frame (searched over all N indices) only the steps around the prediction are
// tried; when even the best of those matches far worse than recent frames did, a full search runs
// and the path may jump (jumpCost) to a better match: re-acquisition.
import { median } from '../aggregate.js';
import { InputError } from '../../errors.js';
import type { AlignFramesInput, AlignmentResult, AlignTuning, FrameMatch, Thumbnails } from './AlignmentTypes.js';
import { DEFAULT_ALIGN_TUNING } from './AlignmentTypes.js';
import { expectedSteps, unwrapRtpTimestamps } from './rtpTimeline.js';

/** Thumbnails with each frame's mean removed (a brightness shift between encoder and source is not motion). */
function zeroMean(t: Thumbnails): Float32Array {
  const px = t.width * t.height;
  const out = new Float32Array(t.count * px);
  for (let f = 0; f < t.count; f++) {
    const base = f * px;
    let sum = 0;
    for (let j = 0; j < px; j++) sum += t.data[base + j];
    const mean = sum / px;
    for (let j = 0; j < px; j++) out[base + j] = t.data[base + j] - mean;
  }
  return out;
}

/** Mean absolute difference (gray levels) between frame a of `x` and frame b of `y`. */
function distance(x: Float32Array, a: number, y: Float32Array, b: number, px: number): number {
  const xa = a * px;
  const yb = b * px;
  let sum = 0;
  for (let j = 0; j < px; j++) sum += Math.abs(x[xa + j] - y[yb + j]);
  return sum / px;
}

const JUMP = -1;
const RECENT = 31;
/** Frames after a full search that found nothing better before another may run. */
const RESCAN_BACKOFF = 15;
/** A full search result must beat the windowed best by this factor to offer a jump. */
const JUMP_GAIN = 0.5;
const JUMP_CANDIDATES = 8;

/** Cost of advancing k source frames where the timestamps predict `expected`. */
function stepCost(k: number, expected: number, t: AlignTuning): number {
  return k >= expected ? t.stepPenalty * (k - expected) : t.shortStepPenalty * (expected - k);
}

export function alignFrames(input: AlignFramesInput): AlignmentResult {
  const t: AlignTuning = { ...DEFAULT_ALIGN_TUNING, ...input.tuning };
  const { layer, reference } = input;
  if (layer.width !== reference.width || layer.height !== reference.height) {
    throw new InputError(`layer thumbnails are ${layer.width}x${layer.height} but reference thumbnails are ${reference.width}x${reference.height}: both sides must use one thumbnail size`);
  }
  if (input.rtpTimestamps.length !== layer.count) {
    throw new InputError(`${layer.count} decoded frames but ${input.rtpTimestamps.length} rtpTimestamps: every decoded frame needs the timestamp of its encoded frame`);
  }
  if (reference.count < 1) throw new InputError('the reference has no frames');
  const M = layer.count;
  const N = reference.count;
  const px = layer.width * layer.height;
  if (M === 0) return emptyResult();

  const steps = expectedSteps(unwrapRtpTimestamps(input.rtpTimestamps), input.fps, t.latticeWindow, t.latticeCoherence);
  const lay = zeroMean(layer);
  const ref = zeroMean(reference);

  // Per frame: surviving states (source indices), their back pointer (position in the previous
  // frame's survivors) and the step taken (JUMP for a re-acquisition).
  const states: Int32Array[] = [];
  const backs: Int32Array[] = [];
  const stepsTaken: Int32Array[] = [];
  let prevCost = new Float64Array(0);

  // Scratch per frame, indexed by source index; `touched` lists the indices in use.
  const trans = new Float64Array(N).fill(Infinity);
  const transFrom = new Int32Array(N);
  const transStep = new Int32Array(N);
  const dist = new Float64Array(N).fill(-1);
  const touched: number[] = [];
  const recentBest: number[] = [];
  let rescanAfter = 0;

  const prune = (i: number, cost: Float64Array, from: Int32Array, step: Int32Array): void => {
    const n = touched.length;
    let best = Infinity;
    for (let j = 0; j < n; j++) best = Math.min(best, cost[j]);
    let keep: number[] = [];
    for (let j = 0; j < n; j++) if (cost[j] <= best + t.beamCost) keep.push(j);
    if (keep.length > t.beamWidth) keep = keep.sort((a, b) => cost[a] - cost[b]).slice(0, t.beamWidth);
    const st = new Int32Array(keep.length);
    const bk = new Int32Array(keep.length);
    const sp = new Int32Array(keep.length);
    const cs = new Float64Array(keep.length);
    keep.forEach((j, q) => {
      st[q] = touched[j];
      bk[q] = from[j];
      sp[q] = step[j];
      cs[q] = cost[j];
    });
    states[i] = st;
    backs[i] = bk;
    stepsTaken[i] = sp;
    prevCost = cs;
  };

  for (let i = 0; i < M; i++) {
    touched.length = 0;
    if (i === 0) {
      // The camera may have started anywhere in the loop.
      for (let s = 0; s < N; s++) {
        touched.push(s);
        trans[s] = 0;
        transFrom[s] = -1;
        transStep[s] = 0;
      }
    } else {
      const kExp = steps.primary[i];
      const kGap = steps.gapOnly[i];
      const kLo = 1;
      const kHi = Math.max(kExp, kGap) + t.stepSlack;
      const prevStates = states[i - 1];
      for (let q = 0; q < prevStates.length; q++) {
        const base = prevCost[q];
        // Chrome's file camera shows one frame twice where it loops: the last (... N-1, N-1, 0 ...)
        // or the first (... N-1, 0, 0, 1 ...), one frame interval apart (measured on Chromium 156).
        // A step of 0 is possible there and only there.
        const lo = prevStates[q] === N - 1 || prevStates[q] === 0 ? 0 : kLo;
        for (let k = lo; k <= kHi; k++) {
          // The gap-only reading is a fallback opinion: a little dearer than the lattice's.
          const pen = Math.min(stepCost(k, kExp, t), stepCost(k, kGap, t) + 0.5 * t.stepPenalty);
          const c = base + pen;
          const s = (prevStates[q] + k) % N;
          if (trans[s] === Infinity) touched.push(s);
          if (c < trans[s]) {
            trans[s] = c;
            transFrom[s] = q;
            transStep[s] = k;
          }
        }
      }
    }

    let dMin = Infinity;
    for (const s of touched) {
      const d = distance(lay, i, ref, s, px);
      dist[s] = d;
      if (d < dMin) dMin = d;
    }

    if (i > 0 && i >= rescanAfter && recentBest.length > 0 && dMin > t.reacquireRatio * median(recentBest)! + t.reacquireFloor) {
      let gMin = Infinity;
      const all = new Float64Array(N);
      for (let s = 0; s < N; s++) {
        all[s] = dist[s] >= 0 ? dist[s] : distance(lay, i, ref, s, px);
        gMin = Math.min(gMin, all[s]);
      }
      if (gMin < JUMP_GAIN * dMin) {
        let bestPrev = 0;
        for (let q = 1; q < prevCost.length; q++) if (prevCost[q] < prevCost[bestPrev]) bestPrev = q;
        const order = Array.from({ length: N }, (_, s) => s).sort((a, b) => all[a] - all[b]);
        for (const s of order.slice(0, JUMP_CANDIDATES)) {
          if (trans[s] !== Infinity) continue;
          touched.push(s);
          trans[s] = prevCost[bestPrev] + t.jumpCost;
          transFrom[s] = bestPrev;
          transStep[s] = JUMP;
          dist[s] = all[s];
        }
        dMin = gMin;
      } else {
        rescanAfter = i + RESCAN_BACKOFF;
      }
    }
    recentBest.push(dMin);
    if (recentBest.length > RECENT) recentBest.shift();

    const n = touched.length;
    const cost = new Float64Array(n);
    const from = new Int32Array(n);
    const step = new Int32Array(n);
    const scale = dMin + t.distanceFloor;
    for (let j = 0; j < n; j++) {
      const s = touched[j];
      cost[j] = trans[s] + (dist[s] - dMin) / scale;
      from[j] = transFrom[s];
      step[j] = transStep[s];
    }
    prune(i, cost, from, step);
    for (const s of touched) {
      trans[s] = Infinity;
      dist[s] = -1;
    }
  }

  // Backtrack from the cheapest final state.
  const sourceIndex = new Array<number>(M);
  const step = new Array<number>(M).fill(0);
  const jumped = new Array<boolean>(M).fill(false);
  let q = 0;
  for (let j = 1; j < prevCost.length; j++) if (prevCost[j] < prevCost[q]) q = j;
  for (let i = M - 1; i >= 0; i--) {
    sourceIndex[i] = states[i][q];
    if (i > 0) {
      const k = stepsTaken[i][q];
      jumped[i] = k === JUMP;
      q = backs[i][q];
      step[i] = k === JUMP ? (((sourceIndex[i] - states[i - 1][q]) % N) + N) % N : k;
    }
  }

  const droppedAfter = new Array<number>(M).fill(0);
  const droppedSourceIndices: number[] = [];
  for (let i = 0; i + 1 < M; i++) {
    droppedAfter[i] = Math.max(0, step[i + 1] - 1);
    for (let j = 1; j < step[i + 1]; j++) droppedSourceIndices.push((sourceIndex[i] + j) % N);
  }

  // Confidence: does the content alone single out the chosen source frame among its neighbours
  // (the errors a timing mistake would make), and if not, do the timestamps back both steps?
  const expectedStep = steps.primary.slice();
  const match = new Array<FrameMatch>(M);
  const frameConfidence = new Array<number>(M);
  const matchDistance = new Array<number>(M);
  for (let i = 0; i < M; i++) {
    const s = sourceIndex[i];
    const d0 = distance(lay, i, ref, s, px);
    matchDistance[i] = d0;
    let alt = Infinity;
    for (const o of [-2, -1, 1, 2]) {
      const n = (((s + o) % N) + N) % N;
      if (n !== s) alt = Math.min(alt, distance(lay, i, ref, n, px));
    }
    const margin = alt === Infinity ? 0 : Math.max(0, Math.min(1, (alt - d0) / (alt + t.distanceFloor)));
    frameConfidence[i] = margin;
    const stepInAgrees = i === 0 || (!jumped[i] && step[i] === expectedStep[i]);
    const stepOutAgrees = i === M - 1 || (!jumped[i + 1] && step[i + 1] === expectedStep[i + 1]);
    match[i] = margin >= t.contentMargin ? 'content' : stepInAgrees && stepOutAgrees ? 'timestamps' : 'weak';
  }
  const lowConfidenceFrames: number[] = [];
  match.forEach((m, i) => m !== 'content' && lowConfidenceFrames.push(i));
  const reacquiredFrames: number[] = [];
  jumped.forEach((j, i) => j && reacquiredFrames.push(i));

  return {
    sourceIndex,
    step,
    expectedStep,
    droppedAfter,
    droppedSourceIndices,
    droppedTotal: droppedSourceIndices.length,
    match,
    frameConfidence,
    matchDistance,
    confidence: (M - lowConfidenceFrames.length) / M,
    lowConfidenceFrames,
    reacquiredFrames,
  };
}

function emptyResult(): AlignmentResult {
  return {
    sourceIndex: [],
    step: [],
    expectedStep: [],
    droppedAfter: [],
    droppedSourceIndices: [],
    droppedTotal: 0,
    match: [],
    frameConfidence: [],
    matchDistance: [],
    confidence: 0,
    lowConfidenceFrames: [],
    reacquiredFrames: [],
  };
}
