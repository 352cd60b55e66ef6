// Messages between the Node harness and the loopback page. Types only: shared by both sides.

export interface PageEncoding {
  rid: string;
  scaleResolutionDownBy: number;
  /** Leave scaleResolutionDownBy out of sendEncodings (the browser then picks the scale). */
  scaleResolutionDownByUnset?: boolean;
  scaleResolutionDownTo?: { maxWidth: number; maxHeight: number };
  maxBitrate?: number;
  maxFramerate?: number;
  active: boolean;
  scalabilityMode?: string;
}

export interface PageCaptureConfig {
  /** Which browser runs the page; absent is Chromium. */
  browser?: 'chromium' | 'firefox';
  /**
   * A clip the page plays in a <video> and sends as its camera (Firefox has no file-backed fake
   * camera); absent: getUserMedia's fake camera (Chromium's --use-file-for-fake-video-capture).
   */
  feedUrl?: string;
  /** e.g. "VP8", "VP9", "H264", "AV1" (the part after "video/" in RTCRtpCodec.mimeType). */
  codecMime: string;
  width: number;
  height: number;
  fps: number;
  encodings: PageEncoding[];
  contentHint: '' | 'motion' | 'detail' | 'text';
  maxTotalBitrateBps?: number;
  /** Start of the bandwidth estimate (kbps); Chrome's own start (300 kbps) when absent. */
  startBitrateKbps?: number;
  statsIntervalMs: number;
  /**
   * Loopback mode behind a shaped uplink (docs/design-sfu-links.md): pc1 offers only candidates of
   * the send address and pc2 only of the receive address, so media crosses the shaped path.
   */
  candidates?: { send: string; receive: string };
}

export interface PageStartResult {
  ok: boolean;
  encodableCodecs: string[];
  userAgent?: string;
  trackSettings?: { width: number; height: number };
  /** performance.timeOrigin + the attach time: the scenario's time base in epoch ms (one machine clock). */
  attachEpochMs?: number;
}

export interface PageStopResult {
  uploadError?: string;
}

export interface PageFrameMeta {
  ssrc: number;
  /** Index of this frame within its SSRC, from 0. */
  index: number;
  rtpTimestamp: number;
  /** performance.now() at the tap, ms since the track was attached. */
  tapTimeMs: number;
  bytes: number;
  type: 'key' | 'delta';
  temporalIndex?: number;
  width: number;
  height: number;
  payloadType?: number;
}

export interface PageStatsSample {
  /** ms since the track was attached */
  tMs: number;
  outbound: Record<string, unknown>[];
  availableOutgoingBitrate?: number;
  final?: boolean;
}
