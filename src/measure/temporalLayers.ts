// Temporal operating points: what a viewer sees when an SFU forwards only the frames of a layer with
// temporal index <= t (mediasoup's temporalLayer, Janus's "temporal"). The frames above t are
// dropped and the last forwarded picture stays on screen, so the display sequence is the layer's own
// (displaySequence.ts, same verified source indices) with every picture of a dropped frame replaced
// by the last forwarded one. libvpx's temporal pattern only references frames of the same or a lower
// level (libwebrtc modules/video_coding/codecs/vp8/default_temporal_layers.cc), so the subset decodes
// alone to the same pictures: one decode of the whole layer serves every level.
import type { TimedDisplayEntry } from './displaySequence.js';
import type { CapturedFrame } from './alignment/layerFramesCsv.js';

/** A frame without a temporal index (no temporal layering) belongs to the base level. */
export function temporalIndexOf(frame: Pick<CapturedFrame, 'temporalIndex'> | undefined): number {
  return frame?.temporalIndex ?? 0;
}

/** The temporal levels present in the layer's frames, lowest first. */
export function temporalLevels(frames: readonly Pick<CapturedFrame, 'temporalIndex'>[]): number[] {
  return [...new Set(frames.map(temporalIndexOf))].sort((a, b) => a - b);
}

/** For each captured frame i, the last frame <= i an SFU forwarding levels <= t passes on (undefined: none yet). */
export function lastForwarded(
  frames: readonly Pick<CapturedFrame, 'temporalIndex'>[],
  t: number,
): (number | undefined)[] {
  let last: number | undefined;
  return frames.map((f, i) => {
    if (temporalIndexOf(f) <= t) last = i;
    return last;
  });
}

/**
 * The display sequence at temporal level t, from the layer's full one: each picture shows the last
 * forwarded frame; a picture whose frame is dropped counts as frozen (like an encoder drop). Pictures
 * before the first forwarded frame are left out (the viewer has nothing on screen yet).
 */
export function temporalDisplaySequence(
  entries: readonly TimedDisplayEntry[],
  frames: readonly Pick<CapturedFrame, 'temporalIndex'>[],
  t: number,
): TimedDisplayEntry[] {
  const forwarded = lastForwarded(frames, t);
  const out: TimedDisplayEntry[] = [];
  for (const e of entries) {
    const shown = forwarded[e.frameIndex];
    if (shown === undefined) continue;
    out.push({ ...e, frameIndex: shown, frozen: e.frozen || shown !== e.frameIndex });
  }
  return out;
}

export interface OperatingPointCost {
  temporalLayer: number;
  /** Frames forwarded in the window. */
  frames: number;
  /** Frames forwarded per second of the window. */
  fps: number;
  /** Sum of the forwarded frames' bytes over the window, in kbit/s (payload only: no RTP headers). */
  kbps: number;
}

/** Cost of forwarding levels <= t over the steady window [fromS, toS): frame bytes and frame count. */
export function operatingPointCost(
  frames: readonly Pick<CapturedFrame, 'temporalIndex' | 'timeS' | 'bytes'>[],
  t: number,
  window: { fromS: number; toS: number },
): OperatingPointCost {
  const seconds = window.toS - window.fromS;
  if (!(seconds > 0)) throw new Error(`empty steady window [${window.fromS}, ${window.toS}) s`);
  const inWindow = frames.filter(
    (f) => f.timeS !== undefined && f.timeS >= window.fromS && f.timeS < window.toS && temporalIndexOf(f) <= t,
  );
  const bytes = inWindow.reduce((n, f) => n + (f.bytes ?? 0), 0);
  return {
    temporalLayer: t,
    frames: inWindow.length,
    fps: inWindow.length / seconds,
    kbps: (bytes * 8) / 1000 / seconds,
  };
}
