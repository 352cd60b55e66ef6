// Temporal operating points on hand-made layers: libvpx's three-level pattern 0,2,1,2 (libwebrtc
// default_temporal_layers.cc), so every expected picture, fps and kbps is worked out by hand.
import { describe, expect, it } from 'vitest';
import { displaySequence } from '../src/measure/displaySequence.js';
import {
  lastForwarded,
  operatingPointCost,
  temporalDisplaySequence,
  temporalLevels,
} from '../src/measure/temporalLayers.js';

const PATTERN = [0, 2, 1, 2];
const BYTES = [1000, 500, 250]; // by level
const FPS = 30;
/** 16 frames at 30 fps, frame i showing source i, levels repeating 0,2,1,2. */
const frames = Array.from({ length: 16 }, (_, i) => ({
  temporalIndex: PATTERN[i % 4],
  timeS: i / FPS,
  bytes: BYTES[PATTERN[i % 4]],
}));
const full = displaySequence({
  frameTimesS: frames.map((f) => f.timeS),
  alignment: { sourceIndex: frames.map((_, i) => i), droppedAfter: frames.map(() => 0) },
  referenceFrames: 100,
  fps: FPS,
  warmupS: 0,
  includeWarmup: false,
});

describe('temporal operating points', () => {
  it('finds the levels and the last forwarded frame', () => {
    expect(temporalLevels(frames)).toEqual([0, 1, 2]);
    expect(temporalLevels([{}, { temporalIndex: undefined }])).toEqual([0]);
    expect(lastForwarded(frames.slice(0, 8), 0)).toEqual([0, 0, 0, 0, 4, 4, 4, 4]);
    expect(lastForwarded(frames.slice(0, 8), 1)).toEqual([0, 0, 2, 2, 4, 4, 6, 6]);
    expect(lastForwarded([{ temporalIndex: 2 }, { temporalIndex: 0 }], 0)).toEqual([undefined, 1]);
  });

  it('level t shows the last forwarded picture while the source moves on', () => {
    const t0 = temporalDisplaySequence(full, frames, 0);
    expect(t0.map((e) => e.frameIndex)).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12]);
    expect(t0.map((e) => e.sourceIndex)).toEqual(full.map((e) => e.sourceIndex));
    expect(t0.filter((e) => e.frozen).length).toBe(12);
    const t1 = temporalDisplaySequence(full, frames, 1);
    expect(t1.slice(0, 8).map((e) => e.frameIndex)).toEqual([0, 0, 2, 2, 4, 4, 6, 6]);
    expect(temporalDisplaySequence(full, frames, 2)).toEqual(full);
  });

  it('an encoder drop stays frozen, and pictures before the first forwarded frame are left out', () => {
    const layer = [{ temporalIndex: 2 }, { temporalIndex: 0 }, { temporalIndex: 2 }, { temporalIndex: 1 }];
    const seq = displaySequence({
      frameTimesS: [0, 1 / 30, 2 / 30, 4 / 30],
      // Frame 2 is followed by one source frame the encoder skipped.
      alignment: { sourceIndex: [0, 1, 2, 4], droppedAfter: [0, 0, 1, 0] },
      referenceFrames: 10,
      fps: 30,
      warmupS: 0,
      includeWarmup: false,
    });
    const t0 = temporalDisplaySequence(seq, layer, 0);
    expect(t0.map((e) => [e.frameIndex, e.sourceIndex, e.frozen])).toEqual([
      [1, 1, false],
      [1, 2, true],
      [1, 3, true],
      [1, 4, true],
    ]);
    const t1 = temporalDisplaySequence(seq, layer, 1);
    expect(t1.map((e) => [e.frameIndex, e.frozen])).toEqual([
      [1, false],
      [1, true],
      [1, true],
      [3, false],
    ]);
  });

  it('static content: every level shows the same picture; moving content: lower levels lag', () => {
    // Source k of a moving clip is an object at position k; of a static clip, always position 0.
    // The picture error is the distance between where the object is shown and where it is.
    const error = (t: number, position: (source: number) => number) => {
      const seq = temporalDisplaySequence(full, frames, t);
      const shownSource = (e: (typeof seq)[number]) =>
        full.find((f) => f.frameIndex === e.frameIndex && !f.frozen)!.sourceIndex;
      return seq.reduce((n, e) => n + Math.abs(position(shownSource(e)) - position(e.sourceIndex)), 0) / seq.length;
    };
    for (const t of [0, 1, 2]) expect(error(t, () => 0)).toBe(0);
    // Lag of the pictures at level 0: 0,1,2,3 frames; level 1: 0,1; level 2: none.
    expect([0, 1, 2].map((t) => error(t, (k) => k))).toEqual([1.5, 0.5, 0]);
  });

  it('fps and kbps of each level: the frames forwarded and the sum of their bytes over the window', () => {
    const window = { fromS: 0, toS: 16 / FPS };
    // Level 0: 4 frames x 1000 B in 16/30 s; level 1 adds 4 x 500 B; level 2 adds 8 x 250 B.
    const costs = [0, 1, 2].map((t) => operatingPointCost(frames, t, window));
    expect(costs.map((c) => c.frames)).toEqual([4, 8, 16]);
    expect(costs.map((c) => c.fps)).toEqual([7.5, 15, 30]);
    expect(costs.map((c) => Math.round(c.kbps * 1e6) / 1e6)).toEqual([60, 90, 120]);
    // Frames outside the window count for nothing: [8/30, 16/30) holds the second half only.
    expect(operatingPointCost(frames, 0, { fromS: 8 / FPS - 1e-9, toS: 16 / FPS }).frames).toBe(2);
    expect(() => operatingPointCost(frames, 0, { fromS: 1, toS: 1 })).toThrow(/empty steady window/);
  });
});
