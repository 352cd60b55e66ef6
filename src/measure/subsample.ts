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
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`subsample interval ${every}: expected a whole number >= 1`);
  return entries.flatMap((e, displayIndex) => (displayIndex % every === 0 ? [{ ...e, displayIndex }] : []));
}
