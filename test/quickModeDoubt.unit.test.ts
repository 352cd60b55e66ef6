// When quick mode may be far from a full run: sequences made by hand (a healthy 30 fps window, one
// where the encoder kept only every 4th source frame, a short one), not simq's output.
import { describe, expect, it } from 'vitest';
import type { TimedDisplayEntry } from '../src/measure/displaySequence.js';
import { quickModeDoubt } from '../src/measure/subsample.js';

/** `n` displayed pictures; the encoder kept one source frame in `keepEvery`, the others show it frozen. */
function window(n: number, keepEvery = 1): TimedDisplayEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const kept = i - (i % keepEvery);
    return { frameIndex: kept / keepEvery, sourceIndex: i, frozen: i !== kept, timeS: i / 30, warmup: false };
  });
}

describe('quickModeDoubt', () => {
  it('a healthy 4 s window at N=3 (40 scored, nothing frozen): no doubt', () => {
    expect(quickModeDoubt(window(120), 3)).toBeUndefined();
  });

  it('N=1 is a full run: never a doubt', () => {
    expect(quickModeDoubt(window(12, 4), 1)).toBeUndefined();
  });

  it('an encoder at 7.5 fps (75% frozen repeats): named, with the share', () => {
    expect(quickModeDoubt(window(120, 4), 3)).toMatch(
      /^quick mode \(--vmaf-subsample 3\): 75% of its displayed pictures are frozen repeats, so/,
    );
  });

  it('20 of 30 fps (one in three frozen) is a doubt; 9 of 10 kept (10%) is not', () => {
    expect(quickModeDoubt(window(120, 3), 3)).toMatch(/67% of its displayed pictures/);
    const mostlyKept = window(120).map((e, i) => (i % 10 === 9 ? { ...e, frozen: true } : e));
    expect(quickModeDoubt(mostlyKept, 3)).toBeUndefined();
  });

  it('a short window: 60 pictures at N=3 score 20, too few', () => {
    expect(quickModeDoubt(window(60), 3)).toMatch(/only 20 pictures are scored/);
    expect(quickModeDoubt(window(90), 3)).toBeUndefined();
  });
});
