// A viewer's displayed pictures on its own timeline, from the frames it received. The rules:
// 1. Decodable: nothing before the first keyframe; a keyframe always; a delta frame when its
//    references were decodable. With frame ids in the record (frame_id / dependencies) a delta that
//    references a frame never received or not decodable is not decodable, and neither is anything
//    built on it until the next keyframe (libwebrtc's frame buffer holds such frames back,
//    modules/video_coding/frame_buffer2 / rtp_vp8_ref_finder). Without frame ids a lost frame leaves
//    no trace in the record: every delta after the first keyframe counts as decodable (recorded as
//    lossEvidence "none").
// 2. Keyframe bursts: on a switch the publisher keyframes every layer and the SFU may forward more
//    than one (../shared/docs/sfu-and-links.md: RTP timestamps 1-5 ticks apart). Consecutive
//    keyframes at most BURST_TICKS apart are one picture: the last of them is the one shown, the
//    others are "superseded" (still decoded: the decoder sees them).
// 3. Display ticks at the source frame rate: tick k shows, at t0 + (k + 1/2) / fps, the newest
//    decodable picture that has arrived by then (t0 = arrival of the first). The half interval lets
//    arrival jitter below half a frame neither repeat nor skip a picture. A tick with no newer
//    picture repeats the previous one (a late, missing or undecodable frame: a frozen repeat); a
//    picture overtaken before any tick showed it is "skipped". Ticks run until the last picture
//    has been shown once.
// 4. Freezes: the w3c / libwebrtc rule (freezes.ts) over the times new pictures went on screen.
import { InputError } from '../../errors.js';
import { freezesOf } from './freezes.js';
import type { DisplayTick, FrameFate, ViewerFrame, ViewerTimeline } from './ViewerMeasureTypes.js';

/** Keyframes at most this many RTP ticks after the previous keyframe belong to its burst. */
export const BURST_TICKS = 5;
/** Where a display tick sits in its frame interval, after the lattice of the first picture's arrival. */
export const TICK_PHASE = 0.5;

const TWO_32 = 2 ** 32;
const rtpDiff = (a: number, b: number) => (((b - a) % TWO_32) + TWO_32) % TWO_32;

/** Rule 1: per received frame, whether a decoder can decode it. */
export function decodability(frames: readonly ViewerFrame[]): boolean[] {
  const ids = frames.every((f) => f.frameId !== undefined);
  const decodableIds = new Set<number>();
  let chain = false;
  return frames.map((f) => {
    const deps = f.dependencies ?? [];
    let ok: boolean;
    if (f.type === 'key') ok = true;
    else if (ids && deps.length > 0) ok = chain && deps.every((d) => decodableIds.has(d));
    else ok = chain;
    // A delta that cannot be decoded breaks the chain until the next keyframe.
    chain = ok;
    if (ok && f.frameId !== undefined) decodableIds.add(f.frameId);
    return ok;
  });
}

/** Rule 2: keyframes followed within BURST_TICKS by another keyframe of their burst. */
export function supersededInBurst(frames: readonly ViewerFrame[]): boolean[] {
  return frames.map((f, i) => {
    const next = frames[i + 1];
    return f.type === 'key' && next !== undefined && next.type === 'key' && rtpDiff(f.rtpTimestamp, next.rtpTimestamp) <= BURST_TICKS;
  });
}

export function viewerTimeline(frames: readonly ViewerFrame[], fps: number): ViewerTimeline {
  if (!(fps > 0)) throw new InputError(`frame rate ${fps} is not a positive number`);
  const decodable = decodability(frames);
  const superseded = supersededInBurst(frames);
  const fates: FrameFate[] = frames.map((_, i) => (!decodable[i] ? 'undecodable' : superseded[i] ? 'superseded' : 'skipped'));
  const candidates = frames.filter((_, i) => fates[i] === 'skipped');
  const ticks: DisplayTick[] = [];
  if (candidates.length > 0) {
    const periodMs = 1000 / fps;
    const t0 = candidates[0].arrivalMs;
    const last = candidates[candidates.length - 1];
    let next = 0;
    let onScreen = -1;
    for (let k = 0; onScreen !== last.index; k++) {
      const timeMs = t0 + (k + TICK_PHASE) * periodMs;
      while (next < candidates.length && candidates[next].arrivalMs <= timeMs) next++;
      const frameIndex = candidates[next - 1].index;
      ticks.push({ tick: k, timeMs, frameIndex, repeat: frameIndex === onScreen });
      onScreen = frameIndex;
      fates[frameIndex] = 'shown';
    }
  }
  const fresh = ticks.filter((t) => !t.repeat);
  return {
    fates,
    ticks,
    decoded: frames.filter((_, i) => decodable[i]).map((f) => f.index),
    freezes: freezesOf(
      fresh.map((t) => t.timeMs),
      fresh.map((t) => t.tick),
    ),
  };
}
