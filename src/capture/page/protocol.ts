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
  /** One encoding sent without a rid and without the simulcast SDP rewrite (an SVC stream). */
  unicast?: boolean;
  contentHint: '' | 'motion' | 'detail' | 'text';
  maxTotalBitrateBps?: number;
  /** Start of the bandwidth estimate (kbps); Chrome's own start (300 kbps) when absent. */
  startBitrateKbps?: number;
  statsIntervalMs: number;
  /**
   * SFU mode: start() returns pc1's offer (ICE gathered) instead of answering it with pc2; simq
   * publishes it to the SFU and passes the SFU's answer to connect(). Absent: the loopback.
   */
  sfu?: { kind: string };
  /**
   * Loopback mode behind a shaped uplink (docs/design-sfu-links.md): pc1 offers only candidates of
   * the send address and pc2 only of the receive address, so media crosses the shaped path.
   */
  candidates?: { send: string; receive: string };
}

/** What connect() (and a loopback start()) reports once the track is attached. */
export interface PageConnectResult {
  /** performance.timeOrigin + performance.now() when the track was attached: every timeline's zero. */
  attachEpochMs: number;
}

export interface PageStartResult {
  ok: boolean;
  encodableCodecs: string[];
  userAgent?: string;
  trackSettings?: { width: number; height: number };
  /** SFU mode: the offer to publish. */
  offerSdp?: string;
  /** Loopback mode: the track is attached. */
  connected?: PageConnectResult;
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
  /** SVC: the frame's spatial layer (each spatial layer of a picture is its own frame at the tap). */
  spatialIndex?: number;
  /** Frame id and the ids it references (RTCEncodedVideoFrameMetadata, from the generic frame descriptor). */
  frameId?: number;
  dependencies?: number[];
  /** Per decode target: the dependency descriptor's indication, when the browser reports one. */
  decodeTargetIndications?: string[];
  width: number;
  height: number;
  payloadType?: number;
  /** Set on a viewer's received frames (viewer.ts); absent on the sender's. */
  viewer?: string;
}

export interface PageStatsSample {
  /** ms since the track was attached */
  tMs: number;
  outbound: Record<string, unknown>[];
  availableOutgoingBitrate?: number;
  /** media-source.frames (RTCVideoSourceStats): frames the track handed the encoder, before any encoder drop. */
  sourceFrames?: number;
  final?: boolean;
}

/** A viewer to add in a viewer page: answers the SFU's subscription offer and taps what it receives. */
export interface PageViewerConfig {
  name: string;
  offerSdp: string;
  /** The <video> element's size: the picture the viewer renders. */
  width: number;
  height: number;
  /** The sender's attach time (PageConnectResult.attachEpochMs): viewer times are ms since then. */
  attachEpochMs: number;
  statsIntervalMs: number;
}

export interface PageViewerStats {
  viewer: string;
  /** ms since the sender's track was attached */
  tMs: number;
  /** The video inbound-rtp record as getStats() gave it (undefined before the first packet). */
  inbound?: Record<string, unknown>;
  /** Pictures the viewer's <video> presented since the last sample (requestVideoFrameCallback). */
  rendered?: PageRenderedFrame[];
  final?: boolean;
}

/**
 * One picture the viewer's <video> element presented, as requestVideoFrameCallback reported it
 * (https://wicg.github.io/video-rvfc/: VideoFrameCallbackMetadata). Chromium fires the callback at
 * most once per composited frame; `presentedFrames` counts every presented picture, so a jump of more
 * than one says pictures were presented without a callback.
 */
export interface PageRenderedFrame {
  /** RTP timestamp of the presented picture (the WebRTC-source field of the metadata). */
  rtpTimestamp: number;
  /** presentationTime, ms since the sender's track was attached. */
  presentedMs: number;
  /** expectedDisplayTime, same time base. */
  expectedDisplayMs: number;
  presentedFrames: number;
  width: number;
  height: number;
}
