// The viewer timeline's rules on frame lists made by hand (no media): freezes by libwebrtc's
// arithmetic (video/video_quality_observer2.cc: integer ms, the interval joins the 30-sample window
// before the average is taken, the average rounded down, >=, nothing before 5 samples), decodability,
// keyframe bursts, and display ticks. Every expectation is worked out in the comments.
import { describe, expect, it } from 'vitest';
import { freezesOf } from '../src/measure/viewer/freezes.js';
import { decodability, supersededInBurst, viewerTimeline } from '../src/measure/viewer/viewerTimeline.js';
import type { ViewerFrame } from '../src/measure/viewer/ViewerMeasureTypes.js';

const T = 1000 / 30;

function frame(index: number, over: Partial<ViewerFrame> = {}): ViewerFrame {
  return { index, rtpTimestamp: 1000 + index * 3000, arrivalMs: 500 + index * T, type: 'delta', width: 640, height: 360, ...over };
}

describe('freezes: the w3c rule as libwebrtc computes it', () => {
  const steady = Array.from({ length: 10 }, (_, i) => i * 33); // 9 intervals of 33 ms

  it('200 ms after nine 33 ms intervals is a freeze: avg floor((9*33 + 200) / 10) = 49, threshold max(147, 199) = 199', () => {
    const f = freezesOf([...steady, 297 + 200]);
    expect([f.count, f.totalMs]).toEqual([1, 200]);
  });

  it('198 ms is not: avg floor(495 / 10) = 49, 198 < 199', () => {
    expect(freezesOf([...steady, 297 + 198]).count).toBe(0);
  });

  it('nothing is counted before 5 intervals: 33, 33, 434 ms is no freeze', () => {
    expect(freezesOf([0, 33, 66, 500]).count).toBe(0);
  });

  it('the freeze interval stays in the 30-sample window: a second long gap right after needs more', () => {
    // window after the first freeze: 9 x 33 + 200; then 33, then 230: sum 297 + 200 + 33 + 230 = 760
    // over 12 samples = 63 -> threshold max(189, 213) = 213 -> 230 is a freeze; 205 is not
    // (sum 735 / 12 = 61 -> threshold 211).
    const base = [...steady, 497, 530];
    expect(freezesOf([...base, 530 + 230]).count).toBe(2);
    expect(freezesOf([...base, 530 + 205]).count).toBe(1);
  });
});

describe('which frames a decoder can decode', () => {
  it('nothing before the first keyframe', () => {
    const frames = [frame(0), frame(1), frame(2, { type: 'key' }), frame(3)];
    expect(decodability(frames)).toEqual([false, false, true, true]);
  });

  it('with frame ids: a delta referencing a frame never received, and what follows it, until the next keyframe', () => {
    const ids = (i: number, deps: number[], type: 'key' | 'delta' = 'delta') => frame(i, { frameId: 10 + i, dependencies: deps, type });
    // frame id 13 never arrived: 14 references it, 15 references 14; 16 is a keyframe; 17 references 16.
    const frames = [ids(0, [], 'key'), ids(1, [10]), ids(2, [11]), ids(4, [13]), ids(5, [14]), ids(6, [], 'key'), ids(7, [16])].map((f, i) => ({ ...f, index: i }));
    expect(decodability(frames)).toEqual([true, true, true, false, false, true, true]);
  });

  it('without frame ids a lost frame leaves no trace: every delta after a keyframe counts as decodable', () => {
    expect(decodability([frame(0, { type: 'key' }), frame(1), frame(2)])).toEqual([true, true, true]);
  });
});

describe('keyframe bursts', () => {
  it('keyframes 1-5 RTP ticks apart are one picture (the last is shown); 6 ticks apart are two', () => {
    const key = (i: number, rtp: number) => frame(i, { type: 'key', rtpTimestamp: rtp });
    expect(supersededInBurst([key(0, 100), key(1, 101), key(2, 105), frame(3)])).toEqual([true, true, false, false]);
    expect(supersededInBurst([key(0, 100), key(1, 106)])).toEqual([false, false]);
    // Across the 32-bit wrap: 2^32 - 2 -> 2 is 4 ticks.
    expect(supersededInBurst([key(0, 2 ** 32 - 2), key(1, 2)])).toEqual([true, false]);
  });
});

describe('display ticks at the source rate', () => {
  it('jitter below half an interval neither repeats nor skips; 25 ms late (more than T/2) repeats once and skips that frame', () => {
    const frames = Array.from({ length: 12 }, (_, i) => frame(i, { type: i === 0 ? 'key' : 'delta', arrivalMs: 500 + i * T + (i % 2 ? 5 : -5) }));
    const smooth = viewerTimeline(frames, 30);
    expect(smooth.ticks.map((t) => t.frameIndex)).toEqual(frames.map((f) => f.index));
    expect(smooth.ticks.some((t) => t.repeat)).toBe(false);

    // The lattice starts at frame 0's arrival (495 ms). Frame 5 arrives 25 ms after its lattice point
    // (tick 5 is at +16.7 ms): tick 5 repeats frame 4,
    // tick 6 shows frame 6 (arrived by then), frame 5 is never on screen.
    frames[5] = { ...frames[5], arrivalMs: 500 + 5 * T + 20 };
    const late = viewerTimeline(frames, 30);
    expect(late.ticks.map((t) => t.frameIndex)).toEqual([0, 1, 2, 3, 4, 4, 6, 7, 8, 9, 10, 11]);
    expect(late.ticks[5].repeat).toBe(true);
    expect(late.fates[5]).toBe('skipped');
    // One 2-interval gap among 33 ms ones: avg floor((6*33+67+...)/n) ~ 36 -> threshold 186 ms: no freeze.
    expect(late.freezes.count).toBe(0);
  });
});
