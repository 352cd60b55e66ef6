// libwebrtc's default bitrate limits for a stream sent alone: simulcast with one active encoding
// that is not the first (video/video_stream_encoder.cc ApplyEncoderBitrateLimitsIfSingleActiveStream)
// and a VP9/AV1 stream with one spatial layer out of several encodings
// (ApplySpatialLayerBitrateLimits). Tables: rtc_base/experiments/encoder_info_settings.cc
// GetDefaultSinglecastBitrateLimits (AV1 has its own since 2023; VP9 its own; every other codec uses
// VP8's; each table has had a 1920x1080 row since February 2025). Only max and min are used here.
import type { Codec } from '../scenario/ScenarioTypes.js';

export interface SinglecastLimit {
  pixels: number;
  minBps: number;
  maxBps: number;
  /**
   * min_start_bitrate_bps: below it the stream starts at a lower resolution (the initial frame
   * dropper, video/adaptation/video_stream_encoder_resource_manager.cc) and climbs back only as the
   * quality scaler allows. Unknown for the 1920x1080 rows of VP8 and AV1.
   */
  minStartBps?: number;
}

const row = (w: number, h: number, minBps: number, maxBps: number, minStartBps?: number): SinglecastLimit => ({
  pixels: w * h,
  minBps,
  maxBps,
  ...(minStartBps === undefined ? {} : { minStartBps }),
});

const VP8_LIMITS: readonly SinglecastLimit[] = [
  row(320, 180, 30_000, 300_000, 0),
  row(480, 270, 30_000, 500_000, 200_000),
  row(640, 360, 30_000, 800_000, 300_000),
  row(960, 540, 30_000, 1_500_000, 500_000),
  row(1280, 720, 30_000, 2_500_000, 900_000),
  row(1920, 1080, 30_000, 5_000_000),
];

const VP9_LIMITS: readonly SinglecastLimit[] = [
  row(320, 180, 30_000, 150_000, 0),
  row(480, 270, 30_000, 300_000, 120_000),
  row(640, 360, 30_000, 420_000, 190_000),
  row(960, 540, 30_000, 1_000_000, 350_000),
  row(1280, 720, 30_000, 1_500_000, 480_000),
  row(1920, 1080, 30_000, 3_700_000, 1_000_000),
];

/** AV1: min 0 ("not used in singlecast"), max above AV1's SVC limits. */
const AV1_LIMITS: readonly SinglecastLimit[] = [
  row(320, 180, 0, 256_000, 0),
  row(480, 270, 0, 384_000, 176_000),
  row(640, 360, 0, 512_000, 256_000),
  row(960, 540, 0, 1_024_000, 384_000),
  row(1280, 720, 0, 1_536_000, 576_000),
  row(1920, 1080, 0, 3_700_000),
];

export function singlecastLimitTable(codec: Codec): readonly SinglecastLimit[] {
  return codec === 'av1' ? AV1_LIMITS : codec === 'vp9' ? VP9_LIMITS : VP8_LIMITS;
}

/**
 * VideoEncoder::EncoderInfo::GetEncoderBitrateLimitsForResolution: the row of the smallest listed
 * size with at least as many pixels (no interpolation); undefined above the largest row.
 */
export function singlecastLimits(codec: Codec, width: number, height: number): SinglecastLimit | undefined {
  const pixels = width * height;
  return singlecastLimitTable(codec).find((r) => r.pixels >= pixels);
}
