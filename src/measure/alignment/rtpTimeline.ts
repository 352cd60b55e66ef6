// What a layer's rtpTimestamps say about the source frames between two captured frames.
//
// Each RTP stream starts at a random 32-bit timestamp (RFC 3550 5.1) that wraps at 2^32; within a
// layer the 90 kHz clock ticks 90000/fps per camera frame, so a gap of about twice that is a frame
// the encoder dropped (libwebrtc stamps each encoded frame with its camera frame's capture time,
// video/video_stream_encoder.cc, converted to the 90 kHz RTP clock).
//
// The capture times jitter (deltas of 2160..3780 ticks at 30 fps were measured), but Chromium's file
// camera (--use-file-for-fake-video-capture) schedules each frame at the previous *scheduled* time
// plus one interval (media/capture/video/file_video_capture_device.cc, OnCaptureTask:
// `next_frame_time_ += frame_interval`; it only resets when lagging behind), so the jitter does not
// accumulate: frames sit near a lattice of period 90000/fps. Rounding each frame's position
// against that lattice (its phase estimated over a sliding window) stays right for jitter up to half
// a period on each frame, where rounding each gap alone is only right up to a quarter period per frame.
import { InputError } from '../../errors.js';

export const RTP_VIDEO_CLOCK_HZ = 90_000;
const TWO_32 = 2 ** 32;
const TWO_31 = 2 ** 31;

/**
 * Unwraps 32-bit rtpTimestamps across 2^32 into a monotonic sequence of (safe) integers starting at
 * the first value. Consecutive frames must move forward by less than 2^31 ticks (6.6 hours at 90 kHz).
 */
export function unwrapRtpTimestamps(timestamps: readonly number[]): number[] {
  const out = new Array<number>(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (!Number.isInteger(t) || t < 0 || t >= TWO_32) {
      throw new InputError(`rtp_timestamp of frame ${i} is ${t}: expected an integer in 0..4294967295`);
    }
    if (i === 0) {
      out[0] = t;
      continue;
    }
    const diff = (((t - timestamps[i - 1]) % TWO_32) + TWO_32) % TWO_32;
    if (diff === 0 || diff >= TWO_31) {
      throw new InputError(
        `rtp_timestamp of frame ${i} (${t}) does not follow frame ${i - 1} (${timestamps[i - 1]}): frames of one layer must be listed in capture order with increasing timestamps`,
      );
    }
    out[i] = out[i - 1] + diff;
  }
  return out;
}

export interface ExpectedSteps {
  /** Per frame: source frames advanced since the previous frame, as the timestamps predict (>= 1; 0 for frame 0). */
  primary: number[];
  /** Per frame: the same from this gap alone (round(delta / period), >= 1; 0 for frame 0). */
  gapOnly: number[];
  /** Per frame: whether the lattice was coherent enough to decide `primary`. */
  lattice: boolean[];
}

/**
 * Timestamp-predicted steps between consecutive captured frames. `unwrapped` comes from
 * unwrapRtpTimestamps; `window` frames each side estimate the lattice phase; below `coherence`
 * (mean resultant length of the phases, 0..1) the gap-only rounding is used instead.
 */
export function expectedSteps(
  unwrapped: readonly number[],
  fps: number,
  window: number,
  coherence: number,
): ExpectedSteps {
  if (!(fps > 0)) throw new InputError(`frame rate ${fps} is not a positive number`);
  const n = unwrapped.length;
  const period = RTP_VIDEO_CLOCK_HZ / fps;
  const pos = unwrapped.map((u) => (u - unwrapped[0]) / period);
  const cos = pos.map((x) => Math.cos(2 * Math.PI * x));
  const sin = pos.map((x) => Math.sin(2 * Math.PI * x));

  // Sliding-window circular mean of the fractional positions: the lattice phase around each frame.
  const phase = new Array<number>(n);
  const strength = new Array<number>(n);
  let c = 0;
  let s = 0;
  let lo = 0;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    const wantLo = Math.max(0, i - window);
    const wantHi = Math.min(n - 1, i + window);
    while (hi < wantHi) {
      hi++;
      c += cos[hi];
      s += sin[hi];
    }
    while (lo < wantLo) {
      c -= cos[lo];
      s -= sin[lo];
      lo++;
    }
    const count = hi - lo + 1;
    strength[i] = Math.hypot(c, s) / count;
    let p = Math.atan2(s, c) / (2 * Math.PI);
    // Keep the phase continuous so a phase drifting across +-0.5 does not fake a step.
    if (i > 0) p += Math.round(phase[i - 1] - p);
    phase[i] = p;
  }

  const primary = new Array<number>(n).fill(0);
  const gapOnly = new Array<number>(n).fill(0);
  const lattice = new Array<boolean>(n).fill(false);
  for (let i = 1; i < n; i++) {
    gapOnly[i] = Math.max(1, Math.round(pos[i] - pos[i - 1]));
    if (strength[i] >= coherence && strength[i - 1] >= coherence) {
      primary[i] = Math.max(1, Math.round(pos[i] - phase[i]) - Math.round(pos[i - 1] - phase[i - 1]));
      lattice[i] = true;
    } else {
      primary[i] = gapOnly[i];
    }
  }
  return { primary, gapOnly, lattice };
}
