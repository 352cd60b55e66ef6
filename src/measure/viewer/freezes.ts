// Freezes as WebRTC counts them, so simq's count compares with inbound-rtp freezeCount and
// totalFreezesDuration. The w3c webrtc-stats definition (RTCInboundRtpStreamStats.freezeCount): "a
// freeze if frame duration, which is time interval between two consecutively rendered frames, is
// equal or exceeds Max(3 * avg_frame_duration_ms, avg_frame_duration_ms + 150), where
// avg_frame_duration_ms is linear average of durations of last 30 rendered frames";
// totalFreezesDuration sums those durations. Chromium's implementation (libwebrtc
// video/video_quality_observer2.cc, OnRenderedFrame) fixes the details followed here: integer ms,
// the interval is added to the 30-sample window BEFORE the average is taken (the average includes
// it), the average is rounded down, nothing is detected before 5 samples, the comparison is >=, and
// a freeze's duration is its whole interval.
import type { Freeze, FreezeSummary } from './ViewerMeasureTypes.js';

/** libwebrtc VideoQualityObserver::kAvgInterframeDelaysWindowSizeFrames. */
export const FREEZE_WINDOW_FRAMES = 30;
/** kMinFrameSamplesToDetectFreeze. */
export const FREEZE_MIN_SAMPLES = 5;
/** kMinIncreaseForFreezeMs. */
export const FREEZE_MIN_INCREASE_MS = 150;

/**
 * Freezes among rendered pictures: `renderMs` the times (ms) new pictures went on screen, in order;
 * `ticks` (same length) names each one in the result.
 */
export function freezesOf(
  renderMs: readonly number[],
  ticks: readonly number[] = renderMs.map((_, i) => i),
): FreezeSummary {
  const window: number[] = [];
  const freezes: Freeze[] = [];
  for (let i = 1; i < renderMs.length; i++) {
    const delay = Math.round(renderMs[i]) - Math.round(renderMs[i - 1]);
    window.push(delay);
    if (window.length > FREEZE_WINDOW_FRAMES) window.shift();
    if (window.length < FREEZE_MIN_SAMPLES) continue;
    // rtc::MovingAverage::GetAverageRoundedDown: integer division of the sum.
    const avg = Math.floor(window.reduce((a, b) => a + b, 0) / window.length);
    if (delay >= Math.max(3 * avg, avg + FREEZE_MIN_INCREASE_MS))
      freezes.push({ endTick: ticks[i], startMs: renderMs[i - 1], durationMs: delay });
  }
  return { count: freezes.length, totalMs: freezes.reduce((a, f) => a + f.durationMs, 0), freezes };
}
