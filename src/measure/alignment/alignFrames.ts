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
import { expectedSteps, unwrapRtpTimestamps, type ExpectedSteps } from './rtpTimeline.js';

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

/** Both thumbnail sets with their means removed, and their sizes. */
interface Frames {
  lay: Float32Array;
  ref: Float32Array;
  /** Pixels per thumbnail. */
  px: number;
  /** Captured frames. */
  M: number;
  /** Source frames (the loop length). */
  N: number;
}

/** The beam's survivors per frame after the forward pass. */
interface Beam {
  /** Source indices that survived at each frame. */
  states: Int32Array[];
  /** Each survivor's position among the previous frame's survivors. */
  backs: Int32Array[];
  /** The step each survivor took (JUMP for a re-acquisition). */
  stepsTaken: Int32Array[];
  /** Path cost of the last frame's survivors. */
  finalCost: Float64Array;
}

export function alignFrames(input: AlignFramesInput): AlignmentResult {
  const t: AlignTuning = { ...DEFAULT_ALIGN_TUNING, ...input.tuning };
  const { layer, reference } = input;
  if (layer.width !== reference.width || layer.height !== reference.height) {
    throw new InputError(
      `layer thumbnails are ${layer.width}x${layer.height} but reference thumbnails are ${reference.width}x${reference.height}: both sides must use one thumbnail size`,
    );
  }
  if (input.rtpTimestamps.length !== layer.count) {
    throw new InputError(
      `${layer.count} decoded frames but ${input.rtpTimestamps.length} rtpTimestamps: every decoded frame needs the timestamp of its encoded frame`,
    );
  }
  if (reference.count < 1) throw new InputError('the reference has no frames');
  if (layer.count === 0) return emptyResult();

  const steps = expectedSteps(unwrapRtpTimestamps(input.rtpTimestamps), input.fps, t.latticeWindow, t.latticeCoherence);
  const frames: Frames = {
    lay: zeroMean(layer),
    ref: zeroMean(reference),
    px: layer.width * layer.height,
    M: layer.count,
    N: reference.count,
  };
  const beam = new ForwardPass(frames, steps, t).run();
  const path = backtrack(beam, frames.N);

  const { M, N } = frames;
  const { sourceIndex, step } = path;
  const droppedAfter = new Array<number>(M).fill(0);
  const droppedSourceIndices: number[] = [];
  for (let i = 0; i + 1 < M; i++) {
    droppedAfter[i] = Math.max(0, step[i + 1] - 1);
    for (let j = 1; j < step[i + 1]; j++) droppedSourceIndices.push((sourceIndex[i] + j) % N);
  }
  const expectedStep = steps.primary.slice();
  const { match, frameConfidence, matchDistance } = confidence(frames, path, expectedStep, t);
  const lowConfidenceFrames: number[] = [];
  match.forEach((m, i) => m !== 'content' && lowConfidenceFrames.push(i));
  const reacquiredFrames: number[] = [];
  path.jumped.forEach((j, i) => j && reacquiredFrames.push(i));

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

/** The Viterbi forward pass with a beam: per captured frame, the source indices worth keeping. */
class ForwardPass {
  private readonly states: Int32Array[] = [];
  private readonly backs: Int32Array[] = [];
  private readonly stepsTaken: Int32Array[] = [];
  private prevCost = new Float64Array(0);
  // Scratch per frame, indexed by source index; `touched` lists the indices in use.
  private readonly trans: Float64Array;
  private readonly transFrom: Int32Array;
  private readonly transStep: Int32Array;
  private readonly dist: Float64Array;
  private readonly touched: number[] = [];
  private readonly recentBest: number[] = [];
  private rescanAfter = 0;

  constructor(
    private readonly f: Frames,
    private readonly steps: ExpectedSteps,
    private readonly t: AlignTuning,
  ) {
    this.trans = new Float64Array(f.N).fill(Infinity);
    this.transFrom = new Int32Array(f.N);
    this.transStep = new Int32Array(f.N);
    this.dist = new Float64Array(f.N).fill(-1);
  }

  run(): Beam {
    for (let i = 0; i < this.f.M; i++) {
      this.touched.length = 0;
      if (i === 0) this.startAnywhere();
      else this.advance(i);
      let dMin = this.scoreTouched(i);
      if (
        i > 0 &&
        i >= this.rescanAfter &&
        this.recentBest.length > 0 &&
        dMin > this.t.reacquireRatio * median(this.recentBest)! + this.t.reacquireFloor
      ) {
        dMin = this.reacquire(i, dMin);
      }
      this.recentBest.push(dMin);
      if (this.recentBest.length > RECENT) this.recentBest.shift();
      this.keep(i, dMin);
    }
    return { states: this.states, backs: this.backs, stepsTaken: this.stepsTaken, finalCost: this.prevCost };
  }

  /** The camera may have started anywhere in the loop. */
  private startAnywhere(): void {
    for (let s = 0; s < this.f.N; s++) {
      this.touched.push(s);
      this.trans[s] = 0;
      this.transFrom[s] = -1;
      this.transStep[s] = 0;
    }
  }

  /** The steps around the timestamps' prediction from each survivor of frame i-1. */
  private advance(i: number): void {
    const { t, trans, transFrom, transStep } = this;
    const N = this.f.N;
    const kExp = this.steps.primary[i];
    const kGap = this.steps.gapOnly[i];
    const kLo = 1;
    const kHi = Math.max(kExp, kGap) + t.stepSlack;
    const prevStates = this.states[i - 1];
    for (let q = 0; q < prevStates.length; q++) {
      const base = this.prevCost[q];
      // Chrome's file camera shows one frame twice where it loops: the last (... N-1, N-1, 0 ...)
      // or the first (... N-1, 0, 0, 1 ...), one frame interval apart (measured on Chromium 156).
      // A step of 0 is possible there and only there.
      const lo = prevStates[q] === N - 1 || prevStates[q] === 0 ? 0 : kLo;
      for (let k = lo; k <= kHi; k++) {
        // The gap-only reading is a fallback opinion: a little dearer than the lattice's.
        const pen = Math.min(stepCost(k, kExp, t), stepCost(k, kGap, t) + 0.5 * t.stepPenalty);
        const c = base + pen;
        const s = (prevStates[q] + k) % N;
        if (trans[s] === Infinity) this.touched.push(s);
        if (c < trans[s]) {
          trans[s] = c;
          transFrom[s] = q;
          transStep[s] = k;
        }
      }
    }
  }

  /** Content distance of frame i to every candidate; returns the best. */
  private scoreTouched(i: number): number {
    const { lay, ref, px } = this.f;
    let dMin = Infinity;
    for (const s of this.touched) {
      const d = distance(lay, i, ref, s, px);
      this.dist[s] = d;
      if (d < dMin) dMin = d;
    }
    return dMin;
  }

  /** The windowed best matches far worse than recent frames did: a full search, and jumps to what it finds. */
  private reacquire(i: number, dMin: number): number {
    const { lay, ref, px, N } = this.f;
    const { trans, transFrom, transStep, dist, prevCost } = this;
    let gMin = Infinity;
    const all = new Float64Array(N);
    for (let s = 0; s < N; s++) {
      all[s] = dist[s] >= 0 ? dist[s] : distance(lay, i, ref, s, px);
      gMin = Math.min(gMin, all[s]);
    }
    if (!(gMin < JUMP_GAIN * dMin)) {
      this.rescanAfter = i + RESCAN_BACKOFF;
      return dMin;
    }
    let bestPrev = 0;
    for (let q = 1; q < prevCost.length; q++) if (prevCost[q] < prevCost[bestPrev]) bestPrev = q;
    const order = Array.from({ length: N }, (_, s) => s).sort((a, b) => all[a] - all[b]);
    for (const s of order.slice(0, JUMP_CANDIDATES)) {
      if (trans[s] !== Infinity) continue;
      this.touched.push(s);
      trans[s] = prevCost[bestPrev] + this.t.jumpCost;
      transFrom[s] = bestPrev;
      transStep[s] = JUMP;
      dist[s] = all[s];
    }
    return gMin;
  }

  /** Path costs of frame i's candidates, the survivors kept, the scratch cleared. */
  private keep(i: number, dMin: number): void {
    const { touched, trans, transFrom, transStep, dist, t } = this;
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
    let best = Infinity;
    for (let j = 0; j < n; j++) best = Math.min(best, cost[j]);
    let kept: number[] = [];
    for (let j = 0; j < n; j++) if (cost[j] <= best + t.beamCost) kept.push(j);
    if (kept.length > t.beamWidth) kept = kept.sort((a, b) => cost[a] - cost[b]).slice(0, t.beamWidth);
    const st = new Int32Array(kept.length);
    const bk = new Int32Array(kept.length);
    const sp = new Int32Array(kept.length);
    const cs = new Float64Array(kept.length);
    kept.forEach((j, q) => {
      st[q] = touched[j];
      bk[q] = from[j];
      sp[q] = step[j];
      cs[q] = cost[j];
    });
    this.states[i] = st;
    this.backs[i] = bk;
    this.stepsTaken[i] = sp;
    this.prevCost = cs;
    for (const s of touched) {
      trans[s] = Infinity;
      dist[s] = -1;
    }
  }
}

/** The cheapest path, followed back from the cheapest final state. */
function backtrack(beam: Beam, N: number): { sourceIndex: number[]; step: number[]; jumped: boolean[] } {
  const { states, backs, stepsTaken, finalCost } = beam;
  const M = states.length;
  const sourceIndex = new Array<number>(M);
  const step = new Array<number>(M).fill(0);
  const jumped = new Array<boolean>(M).fill(false);
  let q = 0;
  for (let j = 1; j < finalCost.length; j++) if (finalCost[j] < finalCost[q]) q = j;
  for (let i = M - 1; i >= 0; i--) {
    sourceIndex[i] = states[i][q];
    if (i > 0) {
      const k = stepsTaken[i][q];
      jumped[i] = k === JUMP;
      q = backs[i][q];
      step[i] = k === JUMP ? (((sourceIndex[i] - states[i - 1][q]) % N) + N) % N : k;
    }
  }
  return { sourceIndex, step, jumped };
}

/**
 * Confidence: does the content alone single out the chosen source frame among its neighbours
 * (the errors a timing mistake would make), and if not, do the timestamps back both steps?
 */
function confidence(
  f: Frames,
  path: { sourceIndex: number[]; step: number[]; jumped: boolean[] },
  expectedStep: readonly number[],
  t: AlignTuning,
): { match: FrameMatch[]; frameConfidence: number[]; matchDistance: number[] } {
  const { lay, ref, px, M, N } = f;
  const { sourceIndex, step, jumped } = path;
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
  return { match, frameConfidence, matchDistance };
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
