// What the viewer sees, picture by picture: each captured frame on its source index, and for every
// source frame the encoder dropped, the previous picture again ("frozen") while the source moves on.
// Both views come from this one sequence: "displayed" counts every picture, "encoded" only the
// pictures that are real encoded frames.
import type { AlignmentResult } from './alignment/AlignmentTypes.js';
import type { DisplayEntry } from './metrics/MetricJob.js';

export interface TimedDisplayEntry extends DisplayEntry {
  /** Seconds since capture start of the frame shown (a frozen picture keeps its frame's time plus the skipped frames' duration). */
  timeS: number;
  warmup: boolean;
}

export interface DisplaySequenceInput {
  /** time_s of each captured frame (from <rid>.frames.csv). */
  frameTimesS: readonly (number | undefined)[];
  alignment: Pick<AlignmentResult, 'sourceIndex' | 'droppedAfter'>;
  referenceFrames: number;
  fps: number;
  warmupS: number;
  /** Also measure pictures inside the warm-up (flagged, excluded from aggregates). */
  includeWarmup: boolean;
}

export function displaySequence(input: DisplaySequenceInput): TimedDisplayEntry[] {
  const { alignment, referenceFrames: n } = input;
  const out: TimedDisplayEntry[] = [];
  alignment.sourceIndex.forEach((source, i) => {
    const t = input.frameTimesS[i] ?? 0;
    const warmup = t < input.warmupS;
    if (warmup && !input.includeWarmup) return;
    out.push({ frameIndex: i, sourceIndex: source, frozen: false, timeS: t, warmup });
    for (let k = 1; k <= (alignment.droppedAfter[i] ?? 0); k++) {
      out.push({ frameIndex: i, sourceIndex: (source + k) % n, frozen: true, timeS: t + k / input.fps, warmup });
    }
  });
  return out;
}
