// Which source frame each picture a viewer shows was made from, across layer switches and keyframe
// bursts. The viewer's frames come from several layers (sizes change at each switch); each is
// decoded and scaled to one thumbnail size (the area scaler makes a 320x180 and a 1280x720 picture of
// one source frame land on nearly the same thumbnail), and the alignment search (alignFrames.ts)
// runs over the shown pictures only: a superseded burst keyframe is the same source frame as the
// picture that replaced it, which the search (one source step per picture) cannot express. Every
// pairing is then verified at the viewer's render size (verifyPairing.ts).
import { alignFrames } from '../alignment/alignFrames.js';
import type { AlignmentResult, Thumbnails } from '../alignment/AlignmentTypes.js';
import { unwrapRtpTimestamps } from '../alignment/rtpTimeline.js';
import { decodeThumbnails, referenceThumbnails, streamThumbnails, thumbnailSizeFor } from '../alignment/thumbnails.js';
import { PairingVerifier, type PairingVerification } from '../alignment/verifyPairing.js';
import { InputError } from '../../errors.js';
import type { Size } from '../../units.js';

export interface PairViewerInput {
  ffmpegPath: string;
  /** The viewer's decodable frames as one IVF (measureViewer.ts writes it). */
  decodeIvf: string;
  /** Frames in decodeIvf. */
  decodedCount: number;
  /** Per shown picture, in order: its position in decodeIvf, rtpTimestamp and arrival (ms). */
  shown: { position: number; rtpTimestamp: number; arrivalMs: number }[];
  referenceY4m: string;
  reference: { width: number; height: number; fps: number };
  renderSize: Size;
}

export interface ViewerPairing {
  /** Per shown picture: its source frame after verification. */
  sourceIndex: number[];
  alignment: AlignmentResult;
  verification: PairingVerification;
  /** The alignment's step prediction came from arrival times (the RTP timestamps did not increase). */
  timesFromArrival: boolean;
}

function subset(t: Thumbnails, positions: readonly number[]): Thumbnails {
  const px = t.width * t.height;
  const data = new Uint8Array(positions.length * px);
  positions.forEach((p, i) => data.set(t.data.subarray(p * px, (p + 1) * px), i * px));
  return { width: t.width, height: t.height, count: positions.length, data };
}

/** RTP timestamps of the shown pictures, or (when an SFU's rewriting broke their order) arrival times on the 90 kHz clock. */
function stepClock(shown: PairViewerInput['shown']): { timestamps: number[]; fromArrival: boolean } {
  const rtp = shown.map((s) => s.rtpTimestamp);
  try {
    unwrapRtpTimestamps(rtp);
    return { timestamps: rtp, fromArrival: false };
  } catch {
    let last = -1;
    const timestamps = shown.map((s) => (last = Math.max(last + 1, Math.round(s.arrivalMs * 90))) % 2 ** 32);
    return { timestamps, fromArrival: true };
  }
}

export async function pairViewer(input: PairViewerInput): Promise<ViewerPairing> {
  const { ffmpegPath, decodeIvf, shown } = input;
  const thumbSize = thumbnailSizeFor(input.reference.width, input.reference.height);
  const [decoded, ref] = await Promise.all([
    decodeThumbnails(ffmpegPath, decodeIvf, thumbSize, { frames: input.decodedCount }),
    referenceThumbnails(ffmpegPath, input.referenceY4m, thumbSize),
  ]);
  if (decoded.count !== input.decodedCount) {
    throw new InputError(
      `${decodeIvf} decodes to ${decoded.count} frames, ${input.decodedCount} were written: the viewer's bitstream and its frames.csv must come from the same capture`,
    );
  }
  const clock = stepClock(shown);
  const alignment = alignFrames({
    layer: subset(
      decoded,
      shown.map((s) => s.position),
    ),
    rtpTimestamps: clock.timestamps,
    fps: input.reference.fps,
    reference: ref.thumbnails,
  });

  const refAtRender = await referenceThumbnails(ffmpegPath, input.referenceY4m, input.renderSize, { cache: false });
  const verifier = new PairingVerifier(refAtRender.thumbnails, alignment.sourceIndex);
  let next = 0;
  await streamThumbnails(ffmpegPath, decodeIvf, input.renderSize, (frame, i) => {
    if (next < shown.length && shown[next].position === i) {
      verifier.push(frame);
      next++;
    }
  });
  const verification = verifier.finish();
  return { sourceIndex: verification.sourceIndex, alignment, verification, timesFromArrival: clock.fromArrival };
}
