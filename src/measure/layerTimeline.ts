// A sent layer over time (issue 22 item 4, the per-layer side): its VMAF per second at its own size,
// and when the allocator had it off. A layer is off across a gap between two of its tapped frames
// longer than OFF_GAP_S (libwebrtc stops a layer's encoding whole, video/video_stream_encoder.cc /
// SimulcastEncoderAdapter: no frames at all, not fewer), and after its last frame until the capture's
// last tapped frame of any layer. Each off period is two switches (off, then on again, or off at the end).
import { round } from './aggregate.js';
import { perSecondMeans } from './perSecond.js';

/** A gap this long between two frames of a layer is the layer switched off (a frame-rate dip is far shorter). */
export const OFF_GAP_S = 0.5;

export interface LayerTimeline {
  vmafPerSecond: { second: number; vmaf?: number }[];
  offS: number;
  offPeriods: { fromS: number; toS: number }[];
  switches: number;
}

/**
 * `frameTimesS`: the layer's tapped frames (time_s); `endS`: the last tapped frame of any layer of the
 * scenario; `pictures`: the layer's measured pictures (time, VMAF at its own size).
 */
export function layerTimeline(
  frameTimesS: readonly number[],
  endS: number,
  pictures: readonly { timeS: number; vmaf?: number }[],
): LayerTimeline {
  const times = [...frameTimesS].sort((a, b) => a - b);
  const offPeriods: { fromS: number; toS: number }[] = [];
  for (let i = 1; i < times.length; i++)
    if (times[i] - times[i - 1] > OFF_GAP_S) offPeriods.push({ fromS: times[i - 1], toS: times[i] });
  const last = times[times.length - 1];
  const offAtEnd = last !== undefined && endS - last > OFF_GAP_S;
  if (offAtEnd) offPeriods.push({ fromS: last, toS: endS });
  const offS = offPeriods.reduce((n, p) => n + (p.toS - p.fromS), 0);
  return {
    vmafPerSecond: perSecondMeans(
      pictures.map((p) => p.timeS),
      pictures.map((p) => p.vmaf),
    ).map((s) => ({ second: s.second, vmaf: round(s.mean, 2) })),
    offS: round(offS, 3)!,
    offPeriods: offPeriods.map((p) => ({ fromS: round(p.fromS, 3)!, toS: round(p.toS, 3)! })),
    switches: offPeriods.length * 2 - (offAtEnd ? 1 : 0),
  };
}
