// Quick mode (--vmaf-subsample N): VMAF, PSNR and SSIM on every Nth picture of the measured
// sequence (the first, then every Nth: with the default window, every Nth of the steady window).
//
// Every picture is still sent to the metric ffmpeg: libvmaf's motion feature compares each
// reference picture with its neighbours in the stream, so sending only the chosen pictures makes
// motion look N times larger and VMAF too high (measured: +4.6 on average, up to +9.2, at N=3 on
// the camera sample). libvmaf's own n_subsample keeps the motion feature on every picture and the
// costly features (VIF, ADM) on every Nth; ffmpeg's select filter hands only those pictures to the
// psnr and ssim filters. Scores of the chosen pictures equal a full run's exactly.
import type { TimedDisplayEntry } from './displaySequence.js';

export interface SubsampledEntry extends TimedDisplayEntry {
  /** Position of this picture in the full display sequence (pictures.csv display_index). */
  displayIndex: number;
}

/** The pictures libvmaf's n_subsample=N scores: positions 0, N, 2N, ... of the sequence. */
export function subsampleEntries(entries: readonly TimedDisplayEntry[], every: number): SubsampledEntry[] {
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`subsample interval ${every}: expected a whole number >= 1`);
  return entries.flatMap((e, displayIndex) => (displayIndex % every === 0 ? [{ ...e, displayIndex }] : []));
}

/** Above this share of frozen repeats, every Nth picture can fall in step with the freezes. */
export const QUICK_MODE_MAX_FROZEN_SHARE = 0.2;
/** Below this many scored pictures a mean is too few samples to stand for the window. */
export const QUICK_MODE_MIN_SCORED = 30;

/**
 * Why quick mode's aggregates of one layer may be far from a full run's, or undefined. Measured on a
 * CPU-limited capture of the motion sample (5-9 fps encoded, 70-80% of the displayed pictures frozen
 * repeats): at N=3 the mean VMAF was off by 1.4 on average and 4.4 at worst, against 0.1-0.2 on
 * healthy captures, because the chosen pictures fall in step with the run of repeats.
 */
export function quickModeDoubt(entries: readonly TimedDisplayEntry[], every: number): string | undefined {
  if (every <= 1 || entries.length === 0) return undefined;
  const scored = Math.ceil(entries.length / every);
  const frozen = entries.filter((e) => e.frozen).length / entries.length;
  const why: string[] = [];
  if (frozen > QUICK_MODE_MAX_FROZEN_SHARE)
    why.push(`${Math.round(frozen * 100)}% of its displayed pictures are frozen repeats`);
  if (scored < QUICK_MODE_MIN_SCORED) why.push(`only ${scored} pictures are scored`);
  if (why.length === 0) return undefined;
  return `quick mode (--vmaf-subsample ${every}): ${why.join(' and ')}, so its aggregates can be several VMAF points from a full run's; measure it without --vmaf-subsample`;
}
