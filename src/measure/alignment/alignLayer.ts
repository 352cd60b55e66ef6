// Aligns one captured layer with the reference: decode both to thumbnails, then alignFrames.
import { InputError } from '../../errors.js';
import type { AlignTuning, LayerAlignment, ThumbnailSize } from './AlignmentTypes.js';
import { alignFrames } from './alignFrames.js';
import { readLayerFramesCsv } from './layerFramesCsv.js';
import { decodeThumbnails, referenceThumbnails, streamThumbnails, thumbnailSizeFor } from './thumbnails.js';
import { Y4mFile } from '../../input/Y4mFile.js';
import { PairingVerifier, type PairingTuning, type PairingVerification } from './verifyPairing.js';

export interface AlignLayerInput {
  ffmpegPath: string;
  /** The layer bitstream: <rid>.ivf (VP8/VP9/AV1) or <rid>.h264 (Annex B). */
  bitstream: string;
  /** Forced decoder (an SVC point of VP9: libvpx-vp9, see src/measure/svcDecoder.ts). */
  decoder?: string;
  /** <rid>.frames.csv of the same layer; or give rtpTimestamps directly. */
  framesCsv?: string;
  rtpTimestamps?: readonly number[];
  /** The Y4M the fake camera played. */
  referenceY4m: string;
  /** Defaults to the Y4M header's frame rate (the rate the fake camera plays it at). */
  fps?: number;
  thumbnail?: ThumbnailSize;
  /** Cache reference thumbnails next to the Y4M (default true). */
  cacheReference?: boolean;
  tuning?: Partial<AlignTuning>;
}

export async function alignLayer(input: AlignLayerInput): Promise<LayerAlignment> {
  const y4m = Y4mFile.open(input.referenceY4m);
  const header = { width: y4m.width, height: y4m.height, fps: y4m.fps };
  y4m.close();
  const size = input.thumbnail ?? thumbnailSizeFor(header.width, header.height);
  let timestamps: readonly number[];
  if (input.rtpTimestamps) timestamps = input.rtpTimestamps;
  else if (input.framesCsv) timestamps = readLayerFramesCsv(input.framesCsv).map((f) => f.rtpTimestamp);
  else throw new InputError(`alignLayer(${input.bitstream}): no rtpTimestamps and no <rid>.frames.csv given`);

  const [layer, ref] = await Promise.all([
    decodeThumbnails(input.ffmpegPath, input.bitstream, size, { decoder: input.decoder }),
    referenceThumbnails(input.ffmpegPath, input.referenceY4m, size, { cache: input.cacheReference }),
  ]);
  if (layer.count !== timestamps.length) {
    const listed = input.framesCsv ?? 'the rtpTimestamps given';
    throw new InputError(
      `${input.bitstream} decodes to ${layer.count} frames but ${listed} lists ${timestamps.length}: the bitstream and its frame list must come from the same capture`,
    );
  }
  const result = alignFrames({
    layer,
    rtpTimestamps: timestamps,
    fps: input.fps ?? header.fps,
    reference: ref.thumbnails,
    tuning: input.tuning,
  });
  return {
    ...result,
    bitstream: input.bitstream,
    reference: input.referenceY4m,
    framesCaptured: layer.count,
    referenceFrames: ref.thumbnails.count,
    thumbnail: size,
    referenceCache: ref.cache,
  };
}

export interface VerifyLayerInput {
  ffmpegPath: string;
  bitstream: string;
  decoder?: string;
  referenceY4m: string;
  /** The layer's own size (frames of another size are scaled to it). */
  size: ThumbnailSize;
  sourceIndex: readonly number[];
  tuning?: Partial<PairingTuning>;
}

/**
 * Decodes the layer and the reference at the layer's size and verifies every pairing (verifyPairing.ts),
 * each layer frame as it is decoded.
 */
export async function verifyLayerPairing(input: VerifyLayerInput): Promise<PairingVerification> {
  // Not cached on disk: at 1280x720 these are as large as the Y4M's luma. Shared within the process.
  const ref = await referenceThumbnails(input.ffmpegPath, input.referenceY4m, input.size, { cache: false });
  const verifier = new PairingVerifier(ref.thumbnails, input.sourceIndex, input.tuning);
  const count = await streamThumbnails(input.ffmpegPath, input.bitstream, input.size, (frame) => verifier.push(frame), {
    decoder: input.decoder,
  });
  if (count !== input.sourceIndex.length) {
    throw new InputError(
      `${input.bitstream} decodes to ${count} frames at ${input.size.width}x${input.size.height} but ${input.sourceIndex.length} were aligned`,
    );
  }
  return verifier.finish();
}
