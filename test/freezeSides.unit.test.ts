// The browser tests' freeze comparison (helpers/freezeSides.ts) on records made by hand: a 30 fps
// viewer, presented every 33 ms, frames arriving every 33 ms, the browser's counters read each second.
// Each case's answer follows from the construction, so each side of every rule is shown.
import { describe, expect, it } from 'vitest';
import { compareFreezes, type ViewerRecords } from './helpers/freezeSides.js';

/** Times from `fromMs` to `toMs` (exclusive) every 33 ms, except inside each hole [a, b). */
function every33(fromMs: number, toMs: number, holes: [number, number][] = []): number[] {
  const out: number[] = [];
  for (let t = fromMs; t < toMs; t += 33) if (!holes.some(([a, b]) => t > a && t < b)) out.push(t);
  return out;
}

function records(opts: {
  presentedHoles?: [number, number][];
  arrivalHoles?: [number, number][];
  /** Per stats row (at 1000, 2000, ... ms): the browser's cumulative count and total (s). */
  counts: [number, number][];
  skipCallbacks?: [number, number][];
}): ViewerRecords {
  const shown = every33(0, 6000, opts.presentedHoles);
  let frames = 0;
  const presented = shown.flatMap((t, i) => {
    // A skipped callback: the picture still counts in presented_frames, the next callback jumps by 2.
    frames++;
    const skipped = (opts.skipCallbacks ?? []).some(([a, b]) => t > a && t < b) && i % 2 === 1;
    return skipped ? [] : [{ t, frames }];
  });
  return {
    presented,
    arrivals: every33(0, 6000, opts.arrivalHoles),
    stats: opts.counts.map(([count, totalS], i) => ({ t: (i + 1) * 1000, count, totalS })),
  };
}

const ZERO: [number, number][] = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
];

describe('compareFreezes', () => {
  it('a freeze both sides counted is matched, with both durations', () => {
    const rec = records({
      presentedHoles: [[2000, 2400]],
      arrivalHoles: [[2000, 2380]],
      counts: [
        [0, 0],
        [0, 0],
        [1, 0.39],
        [1, 0.39],
        [1, 0.39],
      ],
    });
    const c = compareFreezes([{ startS: 1.98, durationS: 0.429 }], rec);
    expect(c.simqOnly).toEqual([]);
    expect(c.browserOnly).toEqual([]);
    expect(c.matched).toEqual([{ simq: { startS: 1.98, durationS: 0.429 }, browserS: 0.39, shared: 1 }]);
  });

  it("simq's freeze with frames arriving through it is a stall of the page; with none arriving, unexplained", () => {
    const f = { startS: 1.98, durationS: 0.429 };
    const stalled = compareFreezes([f], records({ presentedHoles: [[2000, 2400]], counts: ZERO }));
    expect(stalled.simqOnly).toEqual([{ freeze: f, why: 'the page stalled, frames arriving' }]);
    const lost = compareFreezes(
      [f],
      records({ presentedHoles: [[2000, 2400]], arrivalHoles: [[1990, 2400]], counts: ZERO }),
    );
    expect(lost.simqOnly).toEqual([{ freeze: f, why: 'unexplained' }]);
  });

  it("simq's freeze within 15% of the threshold (33 ms frames: about 183 ms) may be counted by one side only", () => {
    const f = { startS: 1.98, durationS: 0.198 };
    const c = compareFreezes(
      [f],
      records({ presentedHoles: [[2000, 2170]], arrivalHoles: [[1990, 2170]], counts: ZERO }),
    );
    expect(c.simqOnly).toEqual([{ freeze: f, why: 'near the threshold' }]);
  });

  it("the browser's freeze with no presented interval as long is unexplained; with callbacks skipped over one, explained", () => {
    const counts: [number, number][] = [
      [0, 0],
      [0, 0],
      [1, 0.08],
      [1, 0.08],
      [1, 0.08],
    ];
    // A browser freeze of 80 ms: the page presented every 33 ms with every callback seen.
    const seen = compareFreezes([], records({ counts }));
    expect(seen.browserOnly.map((b) => b.why)).toEqual(['unexplained']);
    // The same, where the page saw every other callback (66 ms intervals with two pictures each).
    const skipped = compareFreezes([], records({ counts, skipCallbacks: [[2000, 3000]] }));
    expect(skipped.browserOnly.map((b) => b.why)).toEqual(['pictures presented without a callback']);
  });

  it('a freeze read into the next row (getStats before the row time) still matches, the nearer rise first', () => {
    // simq's freezes end at 2.43 s and 3.2 s; the browser's rises are in the rows ending 3 s and 4 s.
    const rec = records({
      presentedHoles: [
        [2000, 2400],
        [2900, 3200],
      ],
      arrivalHoles: [
        [2000, 2400],
        [2900, 3200],
      ],
      counts: [
        [0, 0],
        [0, 0],
        [1, 0.4],
        [2, 0.7],
        [2, 0.7],
      ],
    });
    const c = compareFreezes(
      [
        { startS: 1.98, durationS: 0.45 },
        { startS: 2.871, durationS: 0.33 },
      ],
      rec,
    );
    expect(c.matched.map((m) => [m.simq.startS, m.browserS])).toEqual([
      [1.98, 0.4],
      [2.871, expect.closeTo(0.3, 6)],
    ]);
    expect([...c.simqOnly, ...c.browserOnly]).toEqual([]);
  });
});
