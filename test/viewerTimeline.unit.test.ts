// The viewer timeline's rules on frame lists made by hand (no media): freezes by libwebrtc's
// arithmetic (video/video_quality_observer2.cc: integer ms, the interval joins the 30-sample window
// before the average is taken, the average rounded down, >=, nothing before 5 samples), decodability,
// keyframe bursts, and display ticks. Every expectation is worked out in the comments.
import { describe, expect, it } from 'vitest';
import { freezesOf } from '../src/measure/viewer/freezes.js';
import {
  decodability,
  decodedPictures,
  decoderTicks,
  sizesInDecodeOrder,
  supersededInBurst,
  viewerTimeline,
} from '../src/measure/viewer/viewerTimeline.js';
import type { ViewerFrame } from '../src/measure/viewer/ViewerMeasureTypes.js';

const T = 1000 / 30;

function frame(index: number, over: Partial<ViewerFrame> = {}): ViewerFrame {
  return {
    index,
    rtpTimestamp: 1000 + index * 3000,
    arrivalMs: 500 + index * T,
    type: 'delta',
    width: 640,
    height: 360,
    ...over,
  };
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
    const ids = (i: number, deps: number[], type: 'key' | 'delta' = 'delta') =>
      frame(i, { frameId: 10 + i, dependencies: deps, type });
    // frame id 13 never arrived: 14 references it, 15 references 14; 16 is a keyframe; 17 references 16.
    const frames = [
      ids(0, [], 'key'),
      ids(1, [10]),
      ids(2, [11]),
      ids(4, [13]),
      ids(5, [14]),
      ids(6, [], 'key'),
      ids(7, [16]),
    ].map((f, i) => ({ ...f, index: i }));
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
    const frames = Array.from({ length: 12 }, (_, i) =>
      frame(i, { type: i === 0 ? 'key' : 'delta', arrivalMs: 500 + i * T + (i % 2 ? 5 : -5) }),
    );
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

describe("with a render record: the browser's presentations place the pictures", () => {
  // 20 frames arriving in bursts (every 4th frame's arrival late by 60 ms: frames 3, 7, 11, ... come
  // in together with the next one), presented smoothly every T by the browser's jitter buffer, 100 ms
  // after arrival time on the lattice.
  const frames = Array.from({ length: 20 }, (_, i) =>
    frame(i, { type: i === 0 ? 'key' : 'delta', arrivalMs: 500 + i * T + (i % 4 === 3 ? 60 : 0) }),
  );
  const presented = (i: number, count = i + 1) => ({
    rtpTimestamp: 1000 + i * 3000,
    presentedMs: 600 + i * T,
    presentedFrames: count,
  });

  it('arrival bursts the jitter buffer smoothed are no repeats; from arrival times they are', () => {
    const byArrival = viewerTimeline(frames, 30);
    expect(byArrival.displaySource).toBe('arrival');
    expect(byArrival.ticks.filter((t) => t.repeat).length).toBeGreaterThan(0);
    const rendered = viewerTimeline(
      frames,
      30,
      frames.map((f) => presented(f.index)),
    );
    expect(rendered.displaySource).toBe('rendered');
    expect(rendered.ticks.map((t) => t.frameIndex)).toEqual(frames.map((f) => f.index));
    expect(rendered.ticks.some((t) => t.repeat)).toBe(false);
    expect(rendered.freezes.count).toBe(0);
  });

  it('a frame the browser never presented is "unrendered" and never on screen; a 400 ms presentation gap is a freeze of 400 ms', () => {
    // Frames 10-14 never presented (presented_frames does not jump: the browser did not show them);
    // frame 15 presented 6 intervals after frame 9: 200 ms. Make it 400 ms: later ones shift.
    const shown = frames
      .filter((f) => f.index < 10 || f.index >= 15)
      .map((f) => ({
        ...presented(f.index, f.index < 10 ? f.index + 1 : f.index - 4),
        presentedMs: 600 + f.index * T + (f.index >= 15 ? 400 - 6 * T : 0),
      }));
    const t = viewerTimeline(frames, 30, shown);
    expect([10, 11, 12, 13, 14].map((i) => t.fates[i])).toEqual(Array(5).fill('unrendered'));
    expect(t.ticks.some((k) => k.frameIndex >= 10 && k.frameIndex < 15)).toBe(false);
    // Nine 33 ms intervals (integer ms: 33 or 34) then 400: avg ~ 73 -> threshold max(219, 223): a freeze.
    expect(t.freezes.count).toBe(1);
    expect(t.freezes.totalMs).toBeGreaterThanOrEqual(399);
    expect(t.freezes.totalMs).toBeLessThanOrEqual(401);
  });

  it('a picture presented without a callback (presented_frames jumps by 2) is the frame between, placed halfway', () => {
    // Callbacks for every frame but 6; the one for 7 says presented_frames 8 (frame 6 was presented too).
    const shown = frames.filter((f) => f.index !== 6).map((f) => presented(f.index));
    const t = viewerTimeline(frames, 30, shown);
    expect(t.fates[6]).toBe('shown');
    expect(t.ticks.map((k) => k.frameIndex)).toEqual(frames.map((f) => f.index));
    // Without the jump (the browser presented 7 as its 7th picture), 6 was not shown.
    const notShown = viewerTimeline(
      frames,
      30,
      shown.map((r) => (r.presentedFrames > 6 ? { ...r, presentedFrames: r.presentedFrames - 1 } : r)),
    );
    expect(notShown.fates[6]).toBe('unrendered');
  });

  it('a presented RTP timestamp names the last frame with it that had arrived', () => {
    // Two frames share frame 5's timestamp (a keyframe and a delta of another layer after a switch);
    // the second arrives after the presentation: the first is what was shown.
    const dup = [
      ...frames.slice(0, 6),
      { ...frames[5], index: 6, arrivalMs: 600 + 5 * T + 10 },
      ...frames.slice(6).map((f) => ({ ...f, index: f.index + 1 })),
    ];
    const t = viewerTimeline(
      dup,
      30,
      frames.map((f) => presented(f.index)),
    );
    expect(t.fates[5]).toBe('shown');
    expect(t.fates[6]).toBe('unrendered');
  });

  it('a frame the tap saw after the next one (completed by a retransmission) is decoded and shown in RTP order', () => {
    // Arrival order 0..4, 6, 5, 7..: frame 5's last packet came back after a NACK, after frame 6.
    const swapped = frames.map((f) =>
      f.index === 5
        ? { ...frames[6], index: 5 }
        : f.index === 6
          ? { ...frames[5], index: 6, arrivalMs: frames[6].arrivalMs + 5 }
          : f,
    );
    const t = viewerTimeline(
      swapped,
      30,
      frames.map((f) => presented(f.index)),
    );
    // Presented: RTP order, so row 6 (frame 5's picture) before row 5.
    expect(t.ticks.slice(4, 8).map((k) => k.frameIndex)).toEqual([4, 6, 5, 7]);
    expect(t.decoded.slice(4, 8)).toEqual([4, 6, 5, 7]);
    // From arrival times the decode order stays the arrival order.
    expect(viewerTimeline(swapped, 30).decoded.slice(4, 8)).toEqual([4, 5, 6, 7]);
  });

  it('after a stall, a picture presented without a callback counts as late in the gap: the freeze is the wait before it', () => {
    // 15 fps (67 ms): ten pictures on time, then 400 ms to the next callback, which says two were
    // presented (the one before it had no callback). The unseen picture is placed one interval
    // before the callback (333 ms after the last one), not halfway (200 ms): nine 67 ms intervals
    // (integer ms: 66 or 67) and 333 average 93 -> threshold max(279, 243): a 333 ms freeze. Halfway
    // (200 ms) would be none. In the run this comes from, inbound-rtp counted a 287 ms freeze in a
    // 317 ms gap with one picture unseen.
    const P = 1000 / 15;
    const f15 = Array.from({ length: 13 }, (_, i) =>
      frame(i, { type: i === 0 ? 'key' : 'delta', arrivalMs: 500 + i * P }),
    );
    const at = (i: number) => (i <= 9 ? 600 + i * P : 600 + 9 * P + 400 + (i - 11) * P);
    const shown = f15
      .filter((f) => f.index !== 10)
      .map((f) => ({ rtpTimestamp: f.rtpTimestamp, presentedMs: at(f.index), presentedFrames: f.index + 1 }));
    const t = viewerTimeline(f15, 15, shown);
    expect(t.fates[10]).toBe('shown');
    expect(t.freezes.count).toBe(1);
    expect(Math.abs(t.freezes.totalMs - 333)).toBeLessThanOrEqual(1);
  });

  it("a delta the tap saw before its keyframe (size 0x0 in the record) takes the keyframe's size in decode order", () => {
    // Seen in a run: row 0 a delta at RTP 8460 (no size yet), row 1 the keyframe at RTP 0 (960x540).
    const rows = [
      frame(0, { rtpTimestamp: 1000 + 3000, width: 0, height: 0 }),
      frame(1, { rtpTimestamp: 1000, type: 'key', width: 960, height: 540 }),
      frame(2, { rtpTimestamp: 1000 + 6000, width: 960, height: 540 }),
    ];
    const t = viewerTimeline(
      rows,
      30,
      rows
        .map((f, i) => ({
          rtpTimestamp: f.rtpTimestamp,
          presentedMs: 600 + [1, 0, 2][i]! * T,
          presentedFrames: [2, 1, 3][i]!,
        }))
        .sort((a, b) => a.presentedFrames - b.presentedFrames),
    );
    expect(t.decoded).toEqual([1, 0, 2]);
    expect(sizesInDecodeOrder(rows, t.decoded).map((f) => `${f.width}x${f.height}`)).toEqual([
      '960x540',
      '960x540',
      '960x540',
    ]);
  });
});

describe("the decoder's view: each decoded frame on its source frame, frozen repeats for the source frames between", () => {
  // 12 frames at 30 fps; the encoder dropped the source frame of slot 5, so frames 5..11 sit in slots
  // 6..12 (RTP 1000 + 3000 x slot), made from source frames 40 + slot. Arrival jitters 0/4/8 ms by
  // i % 3. Frame 3 was decoded but never presented (unrendered: the decoder's view still shows it);
  // frames 9 and 10 lost a reference (undecodable: left out). Slots on screen: 0-4 frames 0-4, 5
  // repeats 4, 6-9 frames 5-8, 10 and 11 repeat 8, 12 frame 11.
  const slotOf = (i: number) => i + (i >= 5 ? 1 : 0);
  const frames = Array.from({ length: 12 }, (_, i) =>
    frame(i, { rtpTimestamp: 1000 + slotOf(i) * 3000, arrivalMs: 500 + slotOf(i) * T + (i % 3) * 4 }),
  );
  const fates = frames.map((_, i) =>
    i === 3 ? 'unrendered' : i === 9 || i === 10 ? 'undecodable' : i === 7 ? 'skipped' : 'shown',
  ) as Parameters<typeof decodedPictures>[1];
  const pictures = decodedPictures(frames, fates);
  const sourceOf = new Map(frames.map((_, i) => [i, 40 + slotOf(i)]));
  const ticks = decoderTicks(pictures, sourceOf, 30, 300);

  it('shows every decodable frame once, repeats only where no frame was encoded or decodable', () => {
    expect(ticks.map((t) => t.frameIndex)).toEqual([0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 8, 11]);
    expect(ticks.map((t) => (t.repeat ? 'r' : '.')).join('')).toBe('.....r....rr.');
    // A repeat stands for the source frame of its slot (scored against it, as a layer's dropped frames).
    expect(ticks.map((t) => t.sourceIndex)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52]);
  });

  it('is on the scenario time base through the median transit: 504 ms (ten frames: 500 x3, 504 x3, 508 x4)', () => {
    expect(pictures[0].atMs).toBeCloseTo(504, 6);
    expect(ticks[0].timeMs).toBeCloseTo(504, 6);
    expect(ticks[12].timeMs).toBeCloseTo(504 + 12 * T, 6);
    // A repeat is 1/fps after the picture before it.
    expect(ticks[11].timeMs).toBeCloseTo(504 + 11 * T, 6);
  });

  it('capture times that jitter by up to half a frame repeat nothing (a lattice of ticks repeated stale pictures)', () => {
    // 30 frames of 30 consecutive source frames, captured at k/30 s +-14 ms alternately (a busy
    // machine's capture); every frame decoded.
    const jittered = Array.from({ length: 30 }, (_, i) =>
      frame(i, { rtpTimestamp: Math.round(90 * (i * T + (i % 2 ? 14 : -14))) + 90_000, arrivalMs: 1000 + i * T }),
    );
    const all = jittered.map(() => 'shown') as Parameters<typeof decodedPictures>[1];
    const t = decoderTicks(decodedPictures(jittered, all), new Map(jittered.map((_, i) => [i, i])), 30, 300);
    expect(t.map((x) => x.frameIndex)).toEqual(jittered.map((_, i) => i));
    expect(t.filter((x) => x.repeat)).toEqual([]);
  });

  it('a pairing step back (a tie) adds no repeat; the clip looping forward counts its real step', () => {
    const three = [frame(0, { rtpTimestamp: 0 }), frame(1, { rtpTimestamp: 3000 }), frame(2, { rtpTimestamp: 6000 })];
    const shown = three.map(() => 'shown') as Parameters<typeof decodedPictures>[1];
    const p = decodedPictures(three, shown);
    expect(
      decoderTicks(
        p,
        new Map([
          [0, 10],
          [1, 12],
          [2, 11],
        ]),
        30,
        300,
      ).map((x) => x.sourceIndex),
    ).toEqual([10, 11, 12, 11]);
    // 298 -> 1 across the loop of a 300-frame clip: two source frames between (299, 0).
    expect(
      decoderTicks(
        p,
        new Map([
          [0, 297],
          [1, 298],
          [2, 1],
        ]),
        30,
        300,
      ).map((x) => x.sourceIndex),
    ).toEqual([297, 298, 299, 0, 1]);
  });
});
