// Quick mode (--vmaf-subsample N): VMAF, PSNR and SSIM on every Nth picture of the window. The
// pictures are chosen before any pair is built, so decoding stays whole (frames depend on each
// other) but stacking, scaling and all three metrics drop to 1/N. Counting restarts at the start of
// the steady window, so its first picture is always measured; warm-up pictures (--include-warmup)
// are thinned the same way on their own count.
//
// Known bias: libvmaf's motion feature compares each reference picture with the previous one it
// was given, which is now N source frames back; docs/vmaf.md gives the measured effect.
import type { TimedDisplayEntry } from './displaySequence.js';

export interface SubsampledEntry extends TimedDisplayEntry {
  /** Position of this picture in the full display sequence (frames.csv display_index). */
  displayIndex: number;
}

export function subsampleEntries(entries: readonly TimedDisplayEntry[], every: number): SubsampledEntry[] {
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`subsample interval ${every}: expected a whole number >= 1`);
  let steady = 0;
  let warmup = 0;
  const out: SubsampledEntry[] = [];
  entries.forEach((e, displayIndex) => {
    const k = e.warmup ? warmup++ : steady++;
    if (k % every === 0) out.push({ ...e, displayIndex });
  });
  return out;
}
