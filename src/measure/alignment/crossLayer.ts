// All simulcast layers of a scenario are encoded from the same camera frames, each at nearly the
// same moment (the simulcast encoder adapter encodes the layers of one frame back to back). A small,
// blurry layer often cannot tell neighbouring source frames apart by content (slow pans), while the
// full-size layer can. So a frame of a weakly aligned layer takes the source index of the frame the
// best-aligned layer captured at the same time, where there is one; its own estimate stays otherwise.
import type { AlignmentResult } from './AlignmentTypes.js';

/** Frames of different layers tapped within this many seconds come from the same camera frame (30 fps: 33 ms apart). */
export const SAME_FRAME_S = 0.012;

export interface TimedAlignment {
  /** time_s of each captured frame (from <rid>.frames.csv). */
  times: readonly (number | undefined)[];
  alignment: Pick<AlignmentResult, 'sourceIndex' | 'droppedAfter' | 'confidence'>;
}

export interface Adopted {
  sourceIndex: number[];
  droppedAfter: number[];
  /** Frames whose source index changed. */
  changed: number;
  /** Frames matched to a frame of the reference layer. */
  matched: number;
}

/** Source frames skipped between consecutive captured frames, on a loop of n frames (a repeat skips none). */
export function droppedBetween(sourceIndex: readonly number[], n: number): number[] {
  return sourceIndex.map((s, i) => {
    if (i + 1 >= sourceIndex.length) return 0;
    const step = (((sourceIndex[i + 1] - s) % n) + n) % n;
    // A step backwards (more than half the loop) is a pairing conflict, not a skip over the loop.
    return step > n / 2 ? 0 : Math.max(0, step - 1);
  });
}

/** The layer whose alignment the others follow: the highest confidence. */
export function bestAligned<T extends TimedAlignment>(layers: readonly T[]): T | undefined {
  return [...layers].sort((a, b) => b.alignment.confidence - a.alignment.confidence)[0];
}

export function adoptSourceIndices(
  target: TimedAlignment,
  reference: TimedAlignment,
  referenceFrames: number,
): Adopted {
  const refTimes = reference.times
    .map((t, i) => ({ t, i }))
    .filter((x): x is { t: number; i: number } => x.t !== undefined)
    .sort((a, b) => a.t - b.t);
  const sourceIndex = [...target.alignment.sourceIndex];
  let changed = 0;
  let matched = 0;
  let j = 0;
  target.times.forEach((t, i) => {
    if (t === undefined || refTimes.length === 0) return;
    while (j + 1 < refTimes.length && Math.abs(refTimes[j + 1].t - t) <= Math.abs(refTimes[j].t - t)) j++;
    const near = refTimes[j];
    if (Math.abs(near.t - t) > SAME_FRAME_S) return;
    matched++;
    const s = reference.alignment.sourceIndex[near.i];
    if (s !== sourceIndex[i]) {
      sourceIndex[i] = s;
      changed++;
    }
  });
  return { sourceIndex, droppedAfter: droppedBetween(sourceIndex, referenceFrames), changed, matched };
}

export interface FollowOutcome<T> {
  sourceIndex: number[];
  /** Share of frames placed by content, counting the lead's confidence for frames it placed. */
  confidence: number;
  /** Set when this layer took the lead's source indices. */
  followed?: { lead: T; adopted: Adopted; ownConfidence: number };
}

/**
 * One scenario's layers: each weaker layer takes the best-aligned layer's source index for the
 * frames both tapped at the same moment; the lead and equally confident layers keep their own.
 */
export function followBestAligned<T extends TimedAlignment>(
  layers: readonly T[],
  referenceFrames: number,
): Map<T, FollowOutcome<T>> {
  const lead = bestAligned(layers);
  const out = new Map<T, FollowOutcome<T>>();
  for (const layer of layers) {
    const a = layer.alignment;
    if (!lead || lead === layer || lead.alignment.confidence <= a.confidence) {
      out.set(layer, { sourceIndex: [...a.sourceIndex], confidence: a.confidence });
      continue;
    }
    const adopted = adoptSourceIndices(layer, lead, referenceFrames);
    const n = a.sourceIndex.length;
    const confidence = n
      ? (adopted.matched * lead.alignment.confidence + (n - adopted.matched) * a.confidence) / n
      : a.confidence;
    out.set(layer, {
      sourceIndex: adopted.sourceIndex,
      confidence,
      followed: { lead, adopted, ownConfidence: a.confidence },
    });
  }
  return out;
}
