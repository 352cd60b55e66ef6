// Types of simq's model of libwebrtc's simulcast allocation (what Chrome gives each layer).
// All rates are bits per second; the CLI prints kbps.
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { SvcPrediction } from './SvcTypes.js';

/** The camera / clip the encoder is fed. */
export interface InputVideo {
  width: number;
  height: number;
  /** Frames per second of the source. */
  fps: number;
}

/**
 * Why a layer sends or not:
 * - on: the allocator gives it bits;
 * - off-bandwidth: active, but the available bitrate does not cover its min (or its hysteresis);
 * - inactive: the application set active: false;
 * - dropped: libwebrtc removed the layer for the input resolution (only trailing inactive layers can be).
 * - not-sent: VP9/AV1 sent as a single (non-simulcast) stream, this encoding carries nothing.
 */
export type LayerState = 'on' | 'off-bandwidth' | 'inactive' | 'dropped' | 'not-sent';

/** One encoding after libwebrtc's stream configuration: resolution and the three bitrates. */
export interface LayerConfig {
  rid: string;
  /** Position in the encodings list. */
  index: number;
  active: boolean;
  /** Dropped by the layer-count limit or not part of a single-stream VP9/AV1 send. */
  configured: boolean;
  scaleResolutionDownBy: number;
  width: number;
  height: number;
  /** maxFramerate the encoder is configured with (60 when the app sets none). */
  maxFramerate: number;
  /** Frames per second the layer can reach: min(input fps, maxFramerate). */
  frameRate: number;
  temporalLayers: number;
  /** Bitrate needed before the layer is switched on. */
  minBps: number;
  /** What the layer gets while a higher layer is also sent. */
  targetBps: number;
  /** What the layer may get when it is the highest layer sent. */
  maxBps: number;
  /** Where min/target/max came from, e.g. "table 640x360", "maxBitrate 1000 kbps -> target 3/4". */
  notes: string[];
}

export interface LayerPrediction extends LayerConfig {
  state: LayerState;
  /** The simulcast allocator's share for this layer (0 when off). */
  allocatedBps: number;
  /**
   * The value to compare with outbound-rtp.targetBitrate: the allocator's share after libwebrtc's
   * encoder bitrate adjuster. Equals allocatedBps whenever bandwidth is ample.
   */
  predictedTargetBps: number;
  /**
   * Under a binding cap, where outbound-rtp.targetBitrate is expected: [allocation / the codec's
   * largest observed adjuster factor (not below min), allocation]. The encoder bitrate adjuster's
   * factor depends on how the encoder's frames overshoot, which only encoding shows. Absent when
   * the link leaves headroom (the target is then the allocation).
   */
  predictedRangeBps?: [number, number];
  /** predictedTargetBps split over temporal layers (per layer, not cumulative). */
  temporalBps: number[];
}

/** How a bandwidth cap turns into the encoder's total target (see EncoderTarget.ts). */
export interface SendBudget {
  /** The SDP cap (b=AS / b=TIAS), or null when unconstrained. */
  capBps: number | null;
  /** Bandwidth estimate the send side settles at (cap x bweUtilization); null when unconstrained. */
  networkBps: number | null;
  /** RTP + transport headers subtracted per packet (rtp_video_sender.cc). */
  packetOverheadBps: number;
  protectionBps: number;
  postEncodeOverheadBps: number;
  fixedOverheadBps: number;
  /** Sum of the active layers' max: the encoder never gets more (video_send_stream_impl.cc). */
  encoderMaxBps: number;
  /** Total handed to the simulcast allocator. */
  encoderTargetBps: number;
  /** Link allocation above the encoder target; the bitrate adjuster may let layers overshoot into it. */
  headroomBps: number;
}

export interface AllocationPrediction {
  codec: Codec;
  input: InputVideo;
  /** False when Chrome sends one stream for these encodings (VP9/AV1 legacy SVC, crbug.com/webrtc/15041). */
  simulcast: boolean;
  /** One VP9/AV1 encoding with spatial layers: the SVC layers, their split and operating points. */
  svc?: SvcPrediction;
  budget: SendBudget;
  /** One entry per encoding, in the encodings' order. */
  layers: LayerPrediction[];
  /** rids of the layers that are on, lowest max bitrate first. */
  activeRids: string[];
  notes: string[];
}
