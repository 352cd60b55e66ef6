// What the measure stage writes: quality.csv (one row per scenario x layer x size) and frames.csv
// (one row per displayed frame per layer per size). Column names are part of the run-directory
// contract (README.md, "Run directory").

export const QUALITY_FILE = 'quality.csv';
export const FRAMES_FILE = 'frames.csv';

/** "encoded": only frames the encoder produced; "displayed": every source frame of the window, a
 *  dropped frame showing the previous picture (freezes count against quality). */
export type QualityView = 'displayed' | 'encoded';

export interface MetricAggregate {
  mean?: number;
  hmean?: number;
  p5?: number;
  min?: number;
}

export interface QualityRow extends Record<string, string | number | undefined> {
  scenario_id: string;
  scenario: string;
  codec: string;
  /** Total send-side cap of the scenario, empty when uncapped. */
  bandwidth_kbps?: number;
  rid: string;
  /** The layer's own resolution, e.g. "640x360". */
  layer: string;
  /** "native" (the layer's own size) or a viewport "WxH". */
  size: string;
  view: QualityView;
  /** The encoding's configured maxBitrate, empty when unset. */
  max_bitrate_kbps?: number;
  /** Steady-state median outbound-rtp.targetBitrate. */
  target_kbps?: number;
  /** Steady-state mean of bytesSent deltas. */
  actual_kbps?: number;
  fps?: number;
  /** Frames in the steady-state window (encoded frames; for "displayed" the source frames shown). */
  frames: number;
  /** Source frames in the window the encoder did not encode. */
  dropped: number;
  vmaf_mean?: number;
  vmaf_hmean?: number;
  vmaf_p5?: number;
  vmaf_min?: number;
  psnr_y_mean?: number;
  psnr_avg_mean?: number;
  ssim_mean?: number;
  /** Share of frames whose source index was confirmed by content (0..1). */
  alignment_confidence?: number;
  /** Measured encoded pictures whose pairing the full-size check confirmed, found tied with a
   *  neighbour (static content), moved to a better neighbour, or could not establish (verifyPairing.ts). */
  paired_verified?: number;
  paired_tied?: number;
  paired_repaired?: number;
  paired_ambiguous?: number;
  /** "doubtful" when more than 1% of the layer's pictures are ambiguous: its scores may describe the wrong pictures. */
  pairing?: 'ok' | 'doubtful';
  /** Empty: the layer as sent (every frame). A number t: the operating point an SFU forwarding only
   *  frames with temporal index <= t gives (measure --temporal-layers; temporalLayers.ts). */
  temporal_layer?: number;
  /** That operating point's frames per second and kbit/s over the steady window, from the frames'
   *  bytes (payload, no RTP headers; empty on the full-rate rows, which keep fps / actual_kbps). */
  op_fps?: number;
  op_kbps?: number;
}

export const QUALITY_COLUMNS = [
  'scenario_id',
  'scenario',
  'codec',
  'bandwidth_kbps',
  'rid',
  'layer',
  'size',
  'view',
  'max_bitrate_kbps',
  'target_kbps',
  'actual_kbps',
  'fps',
  'frames',
  'dropped',
  'vmaf_mean',
  'vmaf_hmean',
  'vmaf_p5',
  'vmaf_min',
  'psnr_y_mean',
  'psnr_avg_mean',
  'ssim_mean',
  'alignment_confidence',
  'paired_verified',
  'paired_tied',
  'paired_repaired',
  'paired_ambiguous',
  'pairing',
  'temporal_layer',
  'op_fps',
  'op_kbps',
] as const;

/** quality.csv columns holding text; every other column is a number (or empty). */
export const QUALITY_TEXT_COLUMNS = ['scenario_id', 'scenario', 'codec', 'rid', 'layer', 'size', 'view', 'pairing'] as const;

export interface FrameRow extends Record<string, string | number | undefined> {
  scenario_id: string;
  rid: string;
  size: string;
  /** Position in the displayed sequence (0 = first source frame of the measured span). */
  display_index: number;
  /** Index of the source frame in the reference Y4M. */
  source_index: number;
  /** Index of the captured frame shown (its row in <rid>.frames.csv). */
  frame_index: number;
  /** 1 when the shown picture is a repeat of an earlier frame (the encoder dropped this one). */
  frozen: number;
  /** Seconds since capture start. */
  time_s: number;
  /** 1 when inside the warm-up (excluded from aggregates). */
  warmup: number;
  vmaf?: number;
  psnr_y?: number;
  psnr_avg?: number;
  ssim?: number;
  /** How the shown frame's pairing stood after the full-size check (verified, tied, repaired, ambiguous). */
  pairing?: string;
}

export const FRAME_COLUMNS = [
  'scenario_id',
  'rid',
  'size',
  'display_index',
  'source_index',
  'frame_index',
  'frozen',
  'time_s',
  'warmup',
  'vmaf',
  'psnr_y',
  'psnr_avg',
  'ssim',
  'pairing',
] as const;
