// Frames an encoder's own rate control dropped, told apart from frames a busy CPU cost. libvpx drops
// frames when a layer is short of bits for its content: at its highest QP (vp8/encoder/onyx_if.c,
// the "drop frame" path of its buffer model) or right after a picture that overshot its budget (a
// slide change in screen content). That is the configuration at work and is measured as such; a CPU
// short of time drops frames before the encoder, which then has more bits per frame and a QP that
// falls, not rises. So a second of the steady window counts as rate control's when its mean QP
// shows the encoder under pressure: at its ceiling, or above twice the layer's own steady median.
import { median } from '../measure/aggregate.js';
import type { Codec } from '../scenario/ScenarioTypes.js';

/**
 * The highest QP of each encoder on the scale getStats reports (outbound-rtp qpSum / framesEncoded).
 * VP8: libwebrtc's qpMax 56 (media/engine/webrtc_video_engine.cc kDefaultQpMax) is libvpx's
 * rc_max_quantizer on the 0-63 scale; VP8E_GET_LAST_QUANTIZER reports the 0-127 q index, q_trans[56]
 * = 106 (vp8/vp8_cx_iface.c), the value a starved VP8 layer reads here every second. Other codecs:
 * not established on this machine, so only the median rule applies to them.
 */
const QP_CEILING: Partial<Record<Codec, number>> = { vp8: 106 };
/**
 * A second's mean QP this close to the ceiling counts as at it: the mean is over the few frames the
 * layer kept, some of which (a golden or key frame) get a lower QP; seen: 99, 101.67 and 102.75 in
 * seconds of 2-8 fps of the motion sample, against 106.
 */
const AT_CEILING_SHARE = 0.9;
/** A second's mean QP above this many times the layer's steady median: the encoder under pressure. */
const SPIKE_FACTOR = 2;
/** ...and by at least this much (a QP of 3 against a median of 1 is noise, not pressure). */
const SPIKE_MIN_RISE = 10;

export interface QpSecond {
  fps: number;
  qp?: number;
}

/** Whether one second's QP shows rate control under pressure, given the layer's median steady QP. */
export function underRatePressure(
  codec: Codec | undefined,
  qp: number | undefined,
  medianQp: number | undefined,
): boolean {
  if (qp === undefined) return false;
  const ceiling = codec ? QP_CEILING[codec] : undefined;
  if (ceiling !== undefined && qp >= AT_CEILING_SHARE * ceiling) return true;
  return medianQp !== undefined && qp > SPIKE_FACTOR * medianQp && qp - medianQp >= SPIKE_MIN_RISE;
}

/**
 * Over a layer's steady seconds: how many show rate control under pressure, and the frame rate of
 * the others (undefined when every second was under pressure).
 */
export function rateControlSeconds(
  codec: Codec | undefined,
  seconds: readonly QpSecond[],
): { seconds: number; fpsOtherwise?: number } {
  const medianQp = median(seconds.map((s) => s.qp).filter((q): q is number => q !== undefined));
  const pressed = seconds.map((s) => underRatePressure(codec, s.qp, medianQp));
  const others = seconds.filter((_, i) => !pressed[i]);
  return {
    seconds: pressed.filter(Boolean).length,
    fpsOtherwise: others.length ? others.reduce((a, s) => a + s.fps, 0) / others.length : undefined,
  };
}
