// The CSV files of a run directory, each declared once: its column order and its row type come from
// the same schema (src/io/csvSchema.ts). Column names are part of the run-directory contract
// (docs/run-directory.md); a change here is a format change.
import { columnsOf, num, optNum, optText, text, type ReadRowOf, type RowOf } from '../io/csvSchema.js';

/** "encoded": only frames the encoder produced; "displayed": every source frame of the window, a
 *  dropped frame showing the previous picture (freezes count against quality). */
export type QualityView = 'displayed' | 'encoded';

/** <scenario-id>/stats.csv (capture): one row per second per layer. */
export const STATS_SCHEMA = {
  second: num(),
  t_s: num(),
  warmup: num(),
  rid: text(),
  ssrc: optNum(),
  active: optText(),
  target_kbps: optNum(),
  actual_kbps: optNum(),
  fps: optNum(),
  width: optNum(),
  height: optNum(),
  qp_avg: optNum(),
  quality_limitation_reason: optText(),
  limitation_cpu_s: optNum(),
  limitation_bandwidth_s: optNum(),
  encoder_implementation: optText(),
  scalability_mode: optText(),
  frames_encoded: optNum(),
  key_frames_encoded: optNum(),
  available_outgoing_kbps: optNum(),
  bandwidth_cap_kbps: optNum(),
  /** Shaped uplink only (src/link/): the rate set, what the shaped class let out, queue drops, backlog and random-loss drops in that second. */
  link_rate_kbps: optNum(),
  link_delivered_kbps: optNum(),
  link_drops: optNum(),
  link_backlog_bytes: optNum(),
  link_loss_drops: optNum(),
  /** outbound-rtp.nackCount (cumulative): NACKs the receiver sent for this layer. */
  nack_count: optNum(),
};
export type StatsRow = RowOf<typeof STATS_SCHEMA>;
export const STATS_COLUMNS = columnsOf(STATS_SCHEMA);

/** <scenario-id>/<rid>.frames.csv (capture): one row per encoded frame of one layer. */
export const LAYER_FRAMES_SCHEMA = {
  frame_index: num(),
  /** RTP timestamp (90 kHz clock) the frame was sent with. */
  rtp_timestamp: num(),
  /** Seconds since the camera track was attached. */
  time_s: num(),
  /** Encoded payload bytes (no RTP headers). */
  bytes: num(),
  type: text<'key' | 'delta'>(),
  temporal_index: optNum(),
  width: num(),
  height: num(),
  /** SVC only: the frame's spatial layer (an operating point's file: the layer it shows). */
  spatial_index: optNum(),
  /** SVC raw tap only: the frame's id and the ids it references (space-separated), from the browser. */
  frame_id: optNum(),
  dependencies: optText(),
};
export type LayerFrameRow = RowOf<typeof LAYER_FRAMES_SCHEMA>;
export const LAYER_FRAMES_COLUMNS = columnsOf(LAYER_FRAMES_SCHEMA);

/** quality.csv (measure): one row per scenario x layer x size (x temporal operating point). */
export const QUALITY_SCHEMA = {
  scenario_id: text(),
  scenario: text(),
  codec: text(),
  /** Total send-side cap of the scenario, empty when uncapped. */
  bandwidth_kbps: optNum(),
  rid: text(),
  /** The layer's own resolution, e.g. "640x360". */
  layer: text(),
  /** "native" (the layer's own size) or a viewport "WxH". */
  size: text(),
  view: text<QualityView>(),
  /** The encoding's configured maxBitrate, empty when unset. */
  max_bitrate_kbps: optNum(),
  /** Steady-state median outbound-rtp.targetBitrate. */
  target_kbps: optNum(),
  /** Steady-state mean of bytesSent deltas. */
  actual_kbps: optNum(),
  fps: optNum(),
  /** Frames in the steady-state window (encoded frames; for "displayed" the source frames shown). */
  frames: num(),
  /** Source frames in the window the encoder did not encode. */
  dropped: num(),
  vmaf_mean: optNum(),
  vmaf_hmean: optNum(),
  vmaf_p5: optNum(),
  vmaf_min: optNum(),
  psnr_y_mean: optNum(),
  psnr_avg_mean: optNum(),
  ssim_mean: optNum(),
  /** Share of frames whose source index was confirmed by content (0..1). */
  alignment_confidence: optNum(),
  /** Measured encoded pictures whose pairing the full-size check confirmed, found tied with a
   *  neighbour (static content), moved to a better neighbour, or could not establish (verifyPairing.ts). */
  paired_verified: optNum(),
  paired_tied: optNum(),
  paired_repaired: optNum(),
  paired_ambiguous: optNum(),
  /** "doubtful" when more than 1% of the layer's pictures are ambiguous: its scores may describe the wrong pictures. */
  pairing: optText<'ok' | 'doubtful'>(),
  /** Empty: the layer as sent (every frame). A number t: the operating point an SFU forwarding only
   *  frames with temporal index <= t gives (measure --temporal-layers; temporalLayers.ts). */
  temporal_layer: optNum(),
  /** That operating point's frames per second and kbit/s over the steady window, from the frames'
   *  bytes (payload, no RTP headers; empty on the full-rate rows, which keep fps / actual_kbps). */
  op_fps: optNum(),
  op_kbps: optNum(),
  /** "chromium" or "firefox"; the column is written only by runs with Firefox scenarios (absent: Chromium). */
  browser: optText<'chromium' | 'firefox'>(),
  /** Viewer rows only (rid "viewer:<name>", src/measure/viewer/): freezes by the w3c webrtc-stats rule,
   *  their total seconds, and changes of the layer on screen per minute. The columns are written only
   *  by runs with viewers. */
  freeze_count: optNum(),
  freeze_s: optNum(),
  switches_per_min: optNum(),
};
export type QualityRow = RowOf<typeof QUALITY_SCHEMA>;
/** quality.csv / pictures.csv rows of a viewer (what an SFU subscriber displayed) have rid "viewer:<name>";
 *  a rid (RFC 8851: alphanumeric) never contains ':'. Readers of layer rows skip them. */
export const VIEWER_RID_PREFIX = 'viewer:';
export const isViewerRid = (rid: string): boolean => rid.startsWith(VIEWER_RID_PREFIX);
/** Columns only runs with viewers write. */
export const VIEWER_QUALITY_COLUMNS = ['freeze_count', 'freeze_s', 'switches_per_min'] as const;
export const QUALITY_COLUMNS = columnsOf(QUALITY_SCHEMA);
/** One quality.csv row as read back (numbers parsed; empty cells are undefined, never 0). */
export type ParsedQualityRow = ReadRowOf<typeof QUALITY_SCHEMA>;

/** pictures.csv (measure; frames.csv in runs made before the rename): one row per displayed
 *  picture per layer per size. */
export const PICTURES_SCHEMA = {
  scenario_id: text(),
  rid: text(),
  size: text(),
  /** Position in the displayed sequence (0 = first source frame of the measured span). */
  display_index: num(),
  /** Index of the source frame in the reference Y4M. */
  source_index: num(),
  /** Index of the captured frame shown (its row in <rid>.frames.csv). */
  frame_index: num(),
  /** 1 when the shown picture is a repeat of an earlier frame (the encoder dropped this one). */
  frozen: num(),
  /** Seconds since capture start. */
  time_s: num(),
  /** 1 when inside the warm-up (excluded from aggregates). */
  warmup: num(),
  vmaf: optNum(),
  psnr_y: optNum(),
  psnr_avg: optNum(),
  ssim: optNum(),
  /** How the shown frame's pairing stood after the full-size check (verified, tied, repaired, ambiguous). */
  pairing: optText(),
};
export type PictureRow = RowOf<typeof PICTURES_SCHEMA>;
export const PICTURE_COLUMNS = columnsOf(PICTURES_SCHEMA);

/** <scenario-id>/viewers/<viewer>.frames.csv (capture, Janus mode): one row per received frame. */
export const VIEWER_FRAMES_SCHEMA = {
  index: num(),
  rtp_timestamp: num(),
  /** ms since the sender's track was attached. */
  arrival_ms: num(),
  bytes: optNum(),
  type: text<'key' | 'delta'>(),
  width: num(),
  height: num(),
  requested_rid: optText(),
  requested_temporal: optNum(),
  frame_id: optNum(),
  /** Frame ids this frame references, space-separated. */
  dependencies: optText(),
};
export type ViewerFrameRow = RowOf<typeof VIEWER_FRAMES_SCHEMA>;
export const VIEWER_FRAMES_COLUMNS = columnsOf(VIEWER_FRAMES_SCHEMA);

/**
 * <scenario-id>/viewers/<viewer>.render.csv (capture, Janus mode): one row per picture the viewer's
 * <video> presented, from requestVideoFrameCallback (src/capture/page/viewer.ts).
 */
export const VIEWER_RENDER_SCHEMA = {
  rtp_timestamp: num(),
  /** presentationTime, ms since the sender's track was attached. */
  presented_ms: num(),
  expected_display_ms: num(),
  /** The element's count of presented pictures: a jump of more than 1 is pictures without a callback. */
  presented_frames: num(),
  width: num(),
  height: num(),
};
export type ViewerRenderRow = RowOf<typeof VIEWER_RENDER_SCHEMA>;
export const VIEWER_RENDER_COLUMNS = columnsOf(VIEWER_RENDER_SCHEMA);
