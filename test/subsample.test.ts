// Quick mode's choice of pictures (no browser): every Nth picture of the steady window, counted from
// the window's first picture, warm-up pictures thinned on their own count. Expected positions are
// written out by hand for a sequence built here.
import { describe, expect, it } from 'vitest';
import type { TimedDisplayEntry } from '../src/measure/displaySequence.js';
import { subsampleEntries } from '../src/measure/subsample.js';
import { parseSubsample } from '../src/commands/measure.js';

/** 4 warm-up pictures, then 10 steady ones; picture 7 is a frozen repeat of decoded frame 5. */
function sequence(): TimedDisplayEntry[] {
  const out: TimedDisplayEntry[] = [];
  for (let i = 0; i < 14; i++) {
    const frozen = i === 7;
    out.push({ frameIndex: frozen ? 6 : i < 7 ? i : i - 1, sourceIndex: i, frozen, timeS: i / 30, warmup: i < 4 });
  }
  return out;
}

describe('subsampleEntries', () => {
  it('N=1 keeps every picture with its display index', () => {
    const all = subsampleEntries(sequence(), 1);
    expect(all.map((e) => e.displayIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('N=3 keeps steady pictures 0, 3, 6, 9 of the window and warm-up pictures 0, 3 of theirs', () => {
    const third = subsampleEntries(sequence(), 3);
    // warm-up: display 0..3 -> 0, 3; steady: display 4..13 -> 4, 7, 10, 13.
    expect(third.map((e) => e.displayIndex)).toEqual([0, 3, 4, 7, 10, 13]);
    expect(third.map((e) => e.sourceIndex)).toEqual([0, 3, 4, 7, 10, 13]);
    // A frozen picture chosen stays frozen and keeps the decoded frame it repeats.
    expect(third.find((e) => e.displayIndex === 7)).toMatchObject({ frozen: true, frameIndex: 6 });
  });

  it('the decoded frame indices stay in display order (the metric job decodes forwards only)', () => {
    const idx = subsampleEntries(sequence(), 4).map((e) => e.frameIndex);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('rejects intervals below 1 and fractions, also from the command line', () => {
    expect(() => subsampleEntries(sequence(), 0)).toThrow(RangeError);
    expect(() => parseSubsample('0')).toThrow('--vmaf-subsample 0: expected a whole number >= 1');
    expect(() => parseSubsample('2.5')).toThrow('--vmaf-subsample 2.5');
    expect(() => parseSubsample('x')).toThrow('--vmaf-subsample x');
    expect(parseSubsample('3')).toBe(3);
    expect(parseSubsample(undefined)).toBe(1);
  });
});
