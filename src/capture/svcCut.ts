// Cutting one operating point (S, T) out of an SVC stream as an SFU forwards it: the frames of
// spatial layer S with temporal index <= T, and every frame they reference (the frames' own
// frameId / dependencies, RTCEncodedVideoFrameMetadata). With inter-layer prediction on every
// picture (L modes) that is every layer <= S of each picture; with _KEY / _KEY_SHIFT / S modes a
// delta picture of layer S references layer S alone, so lower layers travel only where layer S needs
// them (mediasoup's VP9 K-SVC handling, worker/src/RTC/Codecs/VP9.cpp, forwards the same). Without
// frame ids (an older browser) the cut falls back to every layer <= S.
//
// Each packet of the cut is one picture (temporal unit) of the stream: the frames of that picture the
// point needs, so the decoder shows one picture per packet. Usually it ends with the layer-S frame and
// shows at layer S's size. When the encoder skipped layer S in a picture (libaom's AV1 L3T3 under
// load: 21 of 141 pictures sent S0 and S2 only) while the lower frames of that picture are still
// needed (L modes: the next layer-S frame references them), the SFU forwards them at their own time
// and the receiver shows that picture at the lower layer's size: dav1d given the operating point
// (-oppoint) decodes the whole stream to the same pictures, 118 at 640x360 and 21 at 320x180 for S1.
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { InterLayerPrediction } from '../scenario/ScalabilityMode.js';
import type { SvcFrame, SvcPacket } from './SvcCaptureTypes.js';

/**
 * The frames a point needs, by position in `frames` (capture order). interLayer 'on' (L modes): every
 * frame of a layer <= S belongs to the point's decode target, referenced or not (an S0 frame of a
 * picture whose S1 the encoder skipped is forwarded and shown: dav1d -oppoint decodes it so).
 */
export function neededFrames(
  frames: readonly SvcFrame[],
  spatial: number,
  temporal: number,
  interLayer?: InterLayerPrediction,
): boolean[] {
  const isTarget = (f: SvcFrame) => f.spatialIndex === spatial && (f.temporalIndex ?? 0) <= temporal;
  const haveIds = frames.every((f) => f.frameId !== undefined && f.dependencies !== undefined);
  if (!haveIds || interLayer === 'on')
    return frames.map((f) => (f.spatialIndex ?? 0) <= spatial && (f.temporalIndex ?? 0) <= temporal);
  const byId = new Map<number, number>();
  frames.forEach((f, i) => byId.set(f.frameId!, i));
  const needed = frames.map(() => false);
  const stack: number[] = [];
  frames.forEach((f, i) => {
    if (isTarget(f)) stack.push(i);
  });
  while (stack.length) {
    const i = stack.pop()!;
    if (needed[i]) continue;
    needed[i] = true;
    // A reference to a frame before the capture (or never tapped) cannot be forwarded: skipped.
    for (const id of frames[i].dependencies!) {
      const j = byId.get(id);
      if (j !== undefined && !needed[j]) stack.push(j);
    }
  }
  return needed;
}

/** Groups the needed frames into packets, one per picture (frames of one RTP timestamp) that has any. */
export function cutOperatingPoint(
  frames: readonly SvcFrame[],
  spatial: number,
  temporal: number,
  interLayer?: InterLayerPrediction,
): SvcPacket[] {
  const needed = neededFrames(frames, spatial, temporal, interLayer);
  const packets: SvcPacket[] = [];
  let pending: number[] = [];
  const close = () => {
    if (pending.length === 0) return;
    const parts = pending.map((k) => frames[k]);
    // The picture the decoder shows: the packet's highest layer (its last frame in capture order).
    const shown = parts[parts.length - 1];
    packets.push({
      frames: pending,
      rtpTimestamp: shown.rtpTimestamp,
      timeS: shown.timeS,
      temporalIndex: shown.temporalIndex,
      key: parts.some((p) => p.type === 'key'),
      width: shown.width,
      height: shown.height,
      bytes: parts.reduce((s, p) => s + p.bytes, 0),
      ...(shown.spatialIndex !== undefined && shown.spatialIndex !== spatial ? { shownLayer: shown.spatialIndex } : {}),
    });
    pending = [];
  };
  frames.forEach((f, i) => {
    if (!needed[i]) return;
    // A new picture starts at a new RTP timestamp, or where the layers stop climbing (two pictures
    // sent with one timestamp stay two pictures, as a decoder shows them).
    const last = pending.length > 0 ? frames[pending[pending.length - 1]] : undefined;
    if (last && (last.rtpTimestamp !== f.rtpTimestamp || (f.spatialIndex ?? 0) <= (last.spatialIndex ?? 0))) close();
    pending.push(i);
  });
  close();
  return packets;
}

/** VP9 superframe index (VP9 bitstream spec, Annex B): marker, each frame's size, marker. */
export function vp9SuperframeIndex(sizes: readonly number[]): Uint8Array {
  const largest = Math.max(...sizes);
  const mag = largest < 1 << 8 ? 1 : largest < 1 << 16 ? 2 : largest < 1 << 24 ? 3 : 4;
  const marker = 0b1100_0000 | ((mag - 1) << 3) | (sizes.length - 1);
  const out = new Uint8Array(2 + mag * sizes.length);
  out[0] = marker;
  sizes.forEach((size, i) => {
    for (let b = 0; b < mag; b++) out[1 + i * mag + b] = (size >>> (8 * b)) & 0xff;
  });
  out[out.length - 1] = marker;
  return out;
}

/**
 * One packet's bytes for the IVF file. VP9: the frames as one superframe, with its index when it
 * holds 2..8 frames (libvpx's and ffmpeg's decoders split it there and show the last frame); AV1: the
 * frames' OBUs one after the other (one temporal unit).
 */
export function packetPayload(codec: Codec, parts: readonly Uint8Array[]): Uint8Array {
  const index =
    codec === 'vp9' && parts.length > 1 && parts.length <= 8
      ? vp9SuperframeIndex(parts.map((p) => p.byteLength))
      : undefined;
  const total = parts.reduce((s, p) => s + p.byteLength, 0) + (index?.byteLength ?? 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  if (index) out.set(index, offset);
  return out;
}
