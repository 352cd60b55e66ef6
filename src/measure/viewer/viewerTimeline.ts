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
// With a render record (<viewer>.render.csv: the pictures the viewer's <video> presented and when,
// from requestVideoFrameCallback) rules 3 and 4 use it instead of arrival times: the browser's jitter
// buffer and renderer decide when a picture is shown, and a frame the browser never presented is
// never on screen ("unrendered"). Arrival times alone place a picture as soon as its last packet is
// in, so every arrival burst after a network stall looked like a repeat (measured: 15-30% repeated
// ticks, and freezes that did not match inbound-rtp's freezeCount).
import { InputError } from '../../errors.js';
import { freezesOf } from './freezes.js';
import type { DisplayTick, FrameFate, RenderedPicture, ViewerFrame, ViewerTimeline } from './ViewerMeasureTypes.js';

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
    return (
      f.type === 'key' &&
      next !== undefined &&
      next.type === 'key' &&
      rtpDiff(f.rtpTimestamp, next.rtpTimestamp) <= BURST_TICKS
    );
  });
}

/** A picture on its way to the screen: the received frame and when it counts as there. */
interface Candidate {
  index: number;
  atMs: number;
}

export function viewerTimeline(
  frames: readonly ViewerFrame[],
  fps: number,
  rendered?: readonly RenderedPicture[],
): ViewerTimeline {
  if (!(fps > 0)) throw new InputError(`frame rate ${fps} is not a positive number`);
  const decodable = decodability(frames);
  const superseded = supersededInBurst(frames);
  const fates: FrameFate[] = frames.map((_, i) =>
    !decodable[i] ? 'undecodable' : superseded[i] ? 'superseded' : 'skipped',
  );
  const fromRender = rendered !== undefined && rendered.length > 0;
  let candidates: Candidate[];
  if (fromRender) {
    candidates = presentedFrames(frames, rendered, fps);
    const presented = new Set(candidates.map((c) => c.index));
    frames.forEach((_, i) => {
      if (presented.has(i)) fates[i] = 'skipped';
      else if (fates[i] === 'skipped') fates[i] = 'unrendered';
    });
  } else {
    candidates = frames.filter((_, i) => fates[i] === 'skipped').map((f) => ({ index: f.index, atMs: f.arrivalMs }));
  }
  const ticks = displayTicks(candidates, fps);
  for (const t of ticks) fates[t.frameIndex] = 'shown';
  const decodedSet = new Set([
    ...frames.filter((_, i) => decodable[i]).map((f) => f.index),
    ...candidates.map((c) => c.index),
  ]);
  // The decode order: arrival order, or with a render record RTP order (the order the browser
  // decoded and presented them in; the tap can see a retransmitted frame after the next one).
  const order = fromRender ? unwrappedRtp(frames) : frames.map((f) => f.index);
  return {
    fates,
    ticks,
    decoded: [...decodedSet].sort((a, b) => order[a] - order[b] || a - b),
    freezes: fromRender ? renderFreezes(candidates, ticks) : tickFreezes(ticks),
    displaySource: fromRender ? 'rendered' : 'arrival',
  };
}

/** RTP clock rate of video (RFC 3551, and every video payload format simq records). */
const VIDEO_RTP_HZ = 90_000;

/** A frame in the decoder's view: the received frame and its capture time on the scenario's time base. */
export interface DecodedPicture {
  index: number;
  atMs: number;
}

/**
 * The frames of the decoder's view of a viewer, in RTP order: every frame it decoded (a superseded
 * burst keyframe apart), before its renderer left any picture unpresented. Each at its capture time,
 * its RTP timestamp put on the scenario's time base through the frames' median transit (arrival - RTP
 * time), a few ms on a clean link.
 */
export function decodedPictures(frames: readonly ViewerFrame[], fates: readonly FrameFate[]): DecodedPicture[] {
  const rtp = unwrappedRtp(frames);
  const inView = frames.filter((_, i) => fates[i] === 'shown' || fates[i] === 'skipped' || fates[i] === 'unrendered');
  if (inView.length === 0) return [];
  const rtpMs = (i: number) => ((rtp[i] - rtp[inView[0].index]) * 1000) / VIDEO_RTP_HZ;
  const transit = inView.map((f) => f.arrivalMs - rtpMs(f.index)).sort((a, b) => a - b);
  const offset = transit[Math.floor(transit.length / 2)];
  return inView
    .map((f) => ({ index: f.index, atMs: rtpMs(f.index) + offset }))
    .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}

/** A picture of the decoder's view with the source frame it stands for. */
export interface DecoderTick extends DisplayTick {
  sourceIndex: number;
}

/**
 * The decoder's view placed the way the sender's displayed view places a layer (displaySequence.ts):
 * each decoded frame on its own source frame (`sourceOf`, from pairing) at its capture time, and for
 * every source frame between it and the next decoded one (not encoded, lost or undecodable) the same
 * picture again, frozen, 1/fps later each, against that source frame. So through an SFU that forwards
 * a layer unchanged on a clean link it is the sender's layer picture for picture. (A lattice of ticks
 * at the source rate was used before: on a busy machine the capture times jitter, some ticks caught no
 * new frame, and their stale repeats put a fixed viewer 1.3 VMAF under the very frames it decoded, in
 * a CI run.) `n` is the source's frame count: source indices wrap when the clip loops; a step back (a
 * pairing tie) adds no repeat.
 */
export function decoderTicks(
  pictures: readonly DecodedPicture[],
  sourceOf: ReadonlyMap<number, number>,
  fps: number,
  n: number,
): DecoderTick[] {
  const out: DecoderTick[] = [];
  const mod = (v: number) => ((v % n) + n) % n;
  pictures.forEach((p, j) => {
    const source = sourceOf.get(p.index)!;
    out.push({ tick: out.length, timeMs: p.atMs, frameIndex: p.index, repeat: false, sourceIndex: mod(source) });
    const next = pictures[j + 1];
    const step = next === undefined ? 1 : mod(sourceOf.get(next.index)! - source);
    const repeats = step < n / 2 ? step - 1 : 0;
    for (let k = 1; k <= repeats; k++)
      out.push({
        tick: out.length,
        timeMs: p.atMs + (k * 1000) / fps,
        frameIndex: p.index,
        repeat: true,
        sourceIndex: mod(source + k),
      });
  });
  return out;
}

/** Rule 3: the display ticks over the candidates (in order of `atMs`). */
function displayTicks(candidates: readonly Candidate[], fps: number): DisplayTick[] {
  const ticks: DisplayTick[] = [];
  if (candidates.length === 0) return ticks;
  const periodMs = 1000 / fps;
  const t0 = candidates[0].atMs;
  let next = 0;
  let onScreen = -1;
  // Until the tick that shows the last picture.
  for (let k = 0; ; k++) {
    const timeMs = t0 + (k + TICK_PHASE) * periodMs;
    while (next < candidates.length && candidates[next].atMs <= timeMs) next++;
    const frameIndex = candidates[next - 1].index;
    ticks.push({ tick: k, timeMs, frameIndex, repeat: frameIndex === onScreen });
    onScreen = frameIndex;
    if (next === candidates.length) break;
  }
  return ticks;
}

/** Rule 4 on the ticks: the times new pictures went on screen. */
function tickFreezes(ticks: readonly DisplayTick[]) {
  const fresh = ticks.filter((t) => !t.repeat);
  return freezesOf(
    fresh.map((t) => t.timeMs),
    fresh.map((t) => t.tick),
  );
}

/** Rule 4 on the browser's own presentation times, each freeze named by the first tick at or after its end. */
function renderFreezes(candidates: readonly Candidate[], ticks: readonly DisplayTick[]) {
  const tickAt = (ms: number) => ticks.find((t) => t.timeMs >= ms)?.tick ?? ticks[ticks.length - 1]?.tick ?? 0;
  return freezesOf(
    candidates.map((c) => c.atMs),
    candidates.map((c) => tickAt(c.atMs)),
  );
}

/** RTP timestamps unwrapped across the 32-bit wrap, each against the frame before it in arrival order. */
export function unwrappedRtp(frames: readonly ViewerFrame[]): number[] {
  const out: number[] = [];
  frames.forEach((f, i) => {
    if (i === 0) return out.push(f.rtpTimestamp);
    const d = rtpDiff(frames[i - 1].rtpTimestamp, f.rtpTimestamp);
    out.push(out[i - 1] + (d > TWO_32 / 2 ? d - TWO_32 : d));
  });
  return out;
}

/**
 * The received frame of each presented picture: the last one with its RTP timestamp that had
 * arrived by the presentation (a picture cannot be shown before its frame is in). Consecutive
 * callbacks for the same picture count once. Pictures presented without a callback (Chromium runs
 * the callbacks in the page's rendering steps, so a busy main thread sees only the newest of two
 * presentations; presented_frames still counts both) are the frames received between the two
 * callbacks' pictures in RTP order, the newest ones first, placed between the two presentation
 * times (placedBetween): the compositor showed them, and leaving them out would turn two short
 * intervals into one long. The result is in presentation order, which is RTP order (the tap's
 * arrival order is not: a frame completed by a retransmission arrives after the next one).
 */
export function presentedFrames(
  frames: readonly ViewerFrame[],
  rendered: readonly RenderedPicture[],
  fps: number,
): Candidate[] {
  const byRtp = new Map<number, ViewerFrame[]>();
  for (const f of frames) byRtp.set(f.rtpTimestamp, [...(byRtp.get(f.rtpTimestamp) ?? []), f]);
  const order = unwrappedRtp(frames);
  const out: Candidate[] = [];
  let before: RenderedPicture | undefined;
  for (const r of rendered) {
    const same = byRtp.get(r.rtpTimestamp);
    if (!same) continue;
    const arrived = same.filter((f) => f.arrivalMs <= r.presentedMs);
    const frame = arrived.length > 0 ? arrived[arrived.length - 1] : same[0];
    const previous = out[out.length - 1];
    if (previous?.index === frame.index) continue;
    if (previous && before) {
      const missed = r.presentedFrames - before.presentedFrames - 1;
      const between = frames.filter(
        (f) =>
          order[f.index] > order[previous.index] && order[f.index] < order[frame.index] && f.arrivalMs <= r.presentedMs,
      );
      out.push(
        ...placedBetween(
          between.sort((a, b) => order[a.index] - order[b.index]).slice(-Math.max(0, missed)),
          previous.atMs,
          r.presentedMs,
          missed,
          1000 / fps,
        ),
      );
    }
    out.push({ index: frame.index, atMs: r.presentedMs });
    before = r;
  }
  return out;
}

/**
 * Frames presented without a callback between two presentation times: spaced evenly, but none
 * earlier than a source frame interval per picture before the second one. A callback is missed when
 * pictures come bunched (after a stall, the renderer catches up): a 317 ms gap at 15 fps with one
 * picture unseen was a 287 ms freeze for inbound-rtp, so the unseen picture came late in the gap, not
 * halfway. At a steady rate both rules give the same place.
 */
function placedBetween(
  frames: readonly ViewerFrame[],
  fromMs: number,
  toMs: number,
  missed: number,
  periodMs: number,
): Candidate[] {
  if (missed <= 0) return [];
  const step = (toMs - fromMs) / (frames.length + 1);
  return frames.map((f, k) => ({
    index: f.index,
    atMs: Math.max(fromMs + step * (k + 1), toMs - (frames.length - k) * periodMs),
  }));
}

/**
 * A frame's size is the last keyframe's before it in decode order. The recorder gives it in arrival
 * order, so a delta the tap saw before its keyframe (a retransmitted keyframe completing late) has
 * none (0x0), though the browser decoded it after that keyframe.
 */
export function sizesInDecodeOrder(frames: readonly ViewerFrame[], decoded: readonly number[]): ViewerFrame[] {
  const out = [...frames];
  let last: ViewerFrame | undefined;
  for (const i of decoded) {
    if (out[i].width === 0 && last) out[i] = { ...out[i], width: last.width, height: last.height };
    if (out[i].width > 0) last = out[i];
  }
  return out;
}
