import type { Codec } from '../scenario/ScenarioTypes.js';

// Every tunable number of the send-side model in one place, so it can be re-fitted against browser
// measurements (data/validation-matrix.json) without touching the rules. The rules themselves
// (tables, overrides, allocator) are libwebrtc facts and live in the other files of this folder.

export interface SendSideCalibration {
  /**
   * Fraction of the SDP cap (b=AS / b=TIAS) the bandwidth estimate settles at. goog_cc clamps its
   * estimate to the SDP max (SetSdpBitrateParameters), and a loss-free loopback link never pushes it
   * lower, so 1.0.
   */
  bweUtilization: number;
  /**
   * RTP header + header extensions per packet, as RTPSender::ExpectedPerPacketOverhead() reports it
   * (modules/rtp_rtcp/source/rtp_sender.cc: 12-byte header plus the maximum size of the registered
   * video extensions: abs-send-time, toffset, transport-cc, playout-delay, video-timing, ...).
   */
  rtpHeaderBytes: number;
  /**
   * Transport overhead per packet (call/rtp_video_sender.cc OnTransportOverheadChanged): IPv4 20 + UDP 8
   * + SRTP GCM tag 16 on the loopback's host candidates.
   */
  transportOverheadBytes: number;
  /** Max RTP packet size for video (kVideoMtu = 1200, media/engine/webrtc_video_engine.cc). */
  maxPacketBytes: number;
  /** Share of the payload rate spent on NACK/FEC (FecControllerDefault). 0: no loss, FEC not negotiated. */
  protectionFraction: number;
  /**
   * Packetization overhead measured after encoding (payload descriptors; RTPSenderVideo::
   * PostEncodeOverhead), as a fraction of the encoder target. libwebrtc caps it at 50 %.
   */
  postEncodeOverheadFraction: number;
  /**
   * Constant loss between cap and encoder not explained by any libwebrtc source found (0 = none).
   * A calibration escape hatch: four hand measurements on Chromium 156 fit best with ~36 kbps here.
   */
  fixedOverheadBps: number;
  /**
   * How much the encoder overshoots its target when no link headroom is left (the "link utilization
   * factor" of video/encoder_bitrate_adjuster.cc, clamped by libwebrtc to [1, 2]). The reported
   * outbound-rtp.targetBitrate is the allocation divided by it. Content dependent; fitted on the
   * issue-5 measurements (VP8, camera-like 720p clip).
   */
  encoderOvershoot: number;
  /** Per-codec overshoot where it differs from encoderOvershoot (fitted on the validation matrix). */
  encoderOvershootByCodec: Partial<Record<Codec, number>>;
  /**
   * Largest overshoot factor the encoder bitrate adjuster was seen to apply under a binding cap, per
   * codec: the reported target of a layer then lies in [allocation / factor, allocation] (the range
   * `simq plan` prints). The factor comes from the encoder's per-frame output (keyframes, bursts),
   * not from the configuration, so it is an observed bound, not a rule: the validation matrix
   * (Chromium 156, camera sample) gave VP8 1.0-1.34, OpenH264 1.0-1.13, VP9 1.0-2.0, AV1 1.0-1.28.
   */
  adjusterRangeByCodec: Record<Codec, number>;
  /**
   * Whether the top active layer's reported target is divided by the overshoot too. Measured: no.
   * Under a binding cap the browser reports the top layer at its allocator share (the remainder),
   * while the lower layers show the adjuster's cut (validation matrix, Chromium 156).
   */
  adjustTopLayer: boolean;
  /** Bandwidth estimate a call starts from before ramping up (300 kbps, call/bitrate_allocator.cc). */
  startBitrateBps: number;
  /** Layers switching on need hysteresis x min (rtc_base/experiments/stable_target_rate_experiment.cc). */
  videoHysteresis: number;
  screenshareHysteresis: number;
  /** Field trial WebRTC-LowresSimulcastBitrateInterpolation (off by default, video/config/simulcast.cc). */
  lowresBitrateInterpolation: boolean;
  /** Field trial WebRTC-UseBaseHeavyVP8TL3RateAllocation (off by default). */
  vp8BaseHeavyTl3: boolean;
}

/**
 * Defaults. The overhead numbers are libwebrtc's own (the header size is an estimate of Chrome's
 * default extension set). The overshoot numbers are fitted on the validation matrix
 * (data/validation-matrix.json: Chromium 156, the camera sample, 20 s captures under binding caps):
 * VP8 lower layers ~1.1, VP9/AV1 ~1.2, OpenH264 1.0 (its targets equal the allocation), and the top
 * layer at its share. Content dependent: a clip that makes the encoder overshoot more shows lower
 * targets under a binding cap.
 */
export const DEFAULT_CALIBRATION: Readonly<SendSideCalibration> = Object.freeze({
  bweUtilization: 1.0,
  rtpHeaderBytes: 56,
  transportOverheadBytes: 44,
  maxPacketBytes: 1200,
  protectionFraction: 0,
  postEncodeOverheadFraction: 0,
  fixedOverheadBps: 0,
  encoderOvershoot: 1.1,
  encoderOvershootByCodec: { vp9: 1.2, av1: 1.2, h264: 1.0 },
  adjusterRangeByCodec: { vp8: 1.35, h264: 1.2, vp9: 2.0, av1: 1.35 },
  adjustTopLayer: false,
  startBitrateBps: 300_000,
  videoHysteresis: 1.2,
  screenshareHysteresis: 1.35,
  lowresBitrateInterpolation: false,
  vp8BaseHeavyTl3: false,
});

export function withCalibration(overrides: Partial<SendSideCalibration> = {}): SendSideCalibration {
  return { ...DEFAULT_CALIBRATION, ...overrides };
}
