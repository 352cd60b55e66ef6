// Frame alignment: which source frame of the reference Y4M each captured (encoded) frame of a layer
// was made from, and which source frames the encoder dropped in between.

/** Small grayscale pictures, one per frame, in decode order. */
export interface Thumbnails {
  width: number;
  height: number;
  count: number;
  /** `count` frames of width*height luma bytes, one after the other. */
  data: Uint8Array;
}

export interface ThumbnailSize {
  width: number;
  height: number;
}

/**
 * What placed a captured frame on its source index:
 * - content: its thumbnail matches that source frame clearly better than the neighbouring ones;
 * - timestamps: the content is ambiguous (near-static picture), but the rtpTimestamp spacing on both
 *   sides agrees with the chosen steps;
 * - weak: neither (ambiguous content and a step the timestamps do not predict).
 */
export type FrameMatch = 'content' | 'timestamps' | 'weak';

/** Tuning of alignFrames; defaults in DEFAULT_ALIGN_TUNING. */
export interface AlignTuning {
  /** Cost of one source frame of difference between a step and the timestamp-predicted step. */
  stepPenalty: number;
  /** Cost of one source frame a step falls SHORT of the timestamp-predicted one. A busy machine makes
   *  Chromium's file camera deliver consecutive frames late (gaps without skipped frames), so a short
   *  step is cheap and content decides; a step beyond the prediction keeps the full stepPenalty (the
   *  camera never skips frames to catch up). */
  shortStepPenalty: number;
  /** Steps tried on each side of the predicted one (the search window after the first frame). */
  stepSlack: number;
  /** Gray levels added to the best distance when turning distances into relative costs (noise floor). */
  distanceFloor: number;
  /** Paths kept per frame: at most this many, and only those within beamCost of the best. */
  beamWidth: number;
  beamCost: number;
  /** A full search over the reference runs when the best windowed distance exceeds
   *  reacquireRatio x the recent typical best distance + reacquireFloor gray levels. */
  reacquireRatio: number;
  reacquireFloor: number;
  /** Cost of jumping to a source index outside the window (camera restart, long unexplained gap). */
  jumpCost: number;
  /** Relative margin (second-best minus best, over second-best) that counts as a clear content match. */
  contentMargin: number;
  /** Frames each side used to estimate the capture clock's phase against the frame lattice. */
  latticeWindow: number;
  /** Minimum phase coherence (0..1) for trusting the lattice; below it each gap is rounded alone. */
  latticeCoherence: number;
}

export const DEFAULT_ALIGN_TUNING: AlignTuning = {
  stepPenalty: 1,
  shortStepPenalty: 0.05,
  stepSlack: 2,
  distanceFloor: 1,
  beamWidth: 48,
  beamCost: 6,
  reacquireRatio: 2.5,
  reacquireFloor: 4,
  jumpCost: 8,
  contentMargin: 0.1,
  latticeWindow: 30,
  latticeCoherence: 0.2,
};

export interface AlignFramesInput {
  /** Thumbnails of the captured layer, in decode order (one per encoded frame). */
  layer: Thumbnails;
  /** rtpTimestamp of each captured frame (32-bit, may wrap), same order and count as `layer`. */
  rtpTimestamps: readonly number[];
  /** Frame rate of the reference (the fake camera plays the Y4M at its own rate). */
  fps: number;
  /** Thumbnails of the reference Y4M, N frames; the camera loops from N-1 back to 0. */
  reference: Thumbnails;
  tuning?: Partial<AlignTuning>;
}

export interface AlignmentResult {
  /** Per captured frame: index of its source frame in the reference (0..N-1). */
  sourceIndex: number[];
  /** Per captured frame: source frames advanced since the previous captured frame (0 for the first). */
  step: number[];
  /** Per captured frame: the step the rtpTimestamps predict (0 for the first). */
  expectedStep: number[];
  /** Per captured frame: source frames skipped between it and the next captured frame (0 for the last). */
  droppedAfter: number[];
  /** The skipped source indices, in capture order (an index repeats if the loop passed it twice). */
  droppedSourceIndices: number[];
  droppedTotal: number;
  /** Per captured frame: how it was placed. */
  match: FrameMatch[];
  /** Per captured frame: content margin 0..1 ((second best - best) / second best among the +-2 neighbours). */
  frameConfidence: number[];
  /** Per captured frame: mean absolute luma difference (gray levels, thumbnail, means removed) to its
   *  chosen source frame. Coding noise gives a few levels; tens of levels on every frame mean the
   *  layer was not made from this reference. */
  matchDistance: number[];
  /** Share of frames placed by content (0..1): QualityRow.alignment_confidence. */
  confidence: number;
  /** Captured frames not placed by content (match 'timestamps' or 'weak'). */
  lowConfidenceFrames: number[];
  /** Captured frames reached by a jump outside the timestamp window (re-acquisition). */
  reacquiredFrames: number[];
}

export interface LayerAlignment extends AlignmentResult {
  bitstream: string;
  reference: string;
  framesCaptured: number;
  referenceFrames: number;
  thumbnail: ThumbnailSize;
  /** Whether the reference thumbnails came from the cache next to the Y4M. */
  referenceCache: ReferenceCacheStatus;
}

export type ReferenceCacheStatus = 'hit' | 'written' | 'unwritable' | 'off';
