// Chrome's rules run backwards: which maxBitrate gives a layer the bitrate we want. The forward rules
// (table target, "target = max(table target, 3/4 maxBitrate)" for a lower layer, "up to max" for the
// top layer; video/config/encoder_stream_factory.cc) live in src/allocation; this file only inverts
// them and checks the answer by running the allocation model forward again.
import { withCalibration } from '../allocation/Calibration.js';
import { configureStreams } from '../allocation/LayerBitrates.js';
import { predictAllocation } from '../allocation/predictAllocation.js';
import type { InputVideo } from '../allocation/AllocationTypes.js';
import type { Codec, ContentHint, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import type { LayerRole } from './RecommendationTypes.js';

export interface SenderConfig {
  codec: Codec;
  input: InputVideo;
  encodings: readonly RtpEncodingParameters[];
  contentHint?: ContentHint;
}

export interface MaxBitrateChoice {
  /** bps, whole kbps. */
  maxBitrate: number;
  /** Chrome's table target for the layer when no maxBitrate is set, bps. */
  tableTargetBps: number;
  /** The allocation model's answer for maxBitrate: target of a lower layer, max of the top layer, bps. */
  predictedBps: number;
  explanation: string;
}

const kbps = (bps: number) => Math.round(bps / 1000);
const roundUpToKbps = (bps: number) => Math.ceil(bps / 1000 - 1e-9) * 1000;

function streamConfig(sender: SenderConfig, encodings: readonly RtpEncodingParameters[]) {
  const screencast = sender.contentHint === 'detail' || sender.contentHint === 'text';
  return configureStreams(sender.codec, sender.input, encodings, {
    capBps: null,
    screencast,
    calibration: withCalibration(),
  });
}

/**
 * Roles of the sender's layers: the highest active layer by max bitrate (the allocator's last) is
 * "top", every other active layer "lower". Uses the uncapped allocation (ample bandwidth).
 */
export function senderRoles(sender: SenderConfig): Map<string, LayerRole> {
  const roles = new Map<string, LayerRole>();
  const prediction = predictAllocation(
    { codec: sender.codec, encodings: [...sender.encodings], contentHint: sender.contentHint },
    sender.input,
    null,
  );
  prediction.activeRids.forEach((rid, i) => roles.set(rid, i === prediction.activeRids.length - 1 ? 'top' : 'lower'));
  return roles;
}

/** Temporal layers libwebrtc configures per rid (H.264: 1; VP8/VP9/AV1 simulcast: 3 unless scalabilityMode says). */
export function temporalLayersByRid(sender: SenderConfig): Map<string, number> {
  const config = streamConfig(sender, sender.encodings);
  return new Map(config.layers.map((l) => [l.rid, l.temporalLayers]));
}

/**
 * The maxBitrate that makes Chrome give layer `rid` the bitrate `wantedBps`:
 * - top layer: it gets up to its max when bandwidth allows, so maxBitrate = wanted;
 * - lower layer above the table target: target = 3/4 maxBitrate, so maxBitrate = 4/3 wanted;
 * - lower layer at or below the table target: target = min(table target, maxBitrate), so maxBitrate = wanted.
 * Rounded up to whole kbps (libwebrtc keeps kbps). The model is then run with the answer to report
 * what it predicts.
 */
export function maxBitrateForWanted(
  sender: SenderConfig,
  rid: string,
  wantedBps: number,
  role: LayerRole,
): MaxBitrateChoice {
  const index = sender.encodings.findIndex((e) => e.rid === rid);
  if (index < 0) throw new Error(`maxBitrateForWanted: rid ${rid} is not among the sender's encodings`);
  const wanted = roundUpToKbps(wantedBps);
  const withoutMax = sender.encodings.map((e, i) => (i === index ? { ...e, maxBitrate: undefined } : { ...e }));
  const table = streamConfig(sender, withoutMax).layers[index];
  const tableTargetBps = table.targetBps;

  let maxBitrate: number;
  let explanation: string;
  if (role === 'top') {
    maxBitrate = wanted;
    explanation = `${rid} is the top layer: Chrome gives the highest layer up to its max when bandwidth allows, so maxBitrate = the wanted ${kbps(wanted)} kbps`;
  } else if (wanted > tableTargetBps) {
    maxBitrate = roundUpToKbps((wanted * 4) / 3);
    explanation =
      `${rid} is a lower layer: Chrome gives it max(table target ${kbps(tableTargetBps)} kbps, 3/4 maxBitrate), not its max, ` +
      `so to get ${kbps(wanted)} kbps set maxBitrate ${kbps(maxBitrate)} kbps (3/4 of it = ${kbps((maxBitrate * 3) / 4)} kbps)`;
  } else {
    maxBitrate = wanted;
    explanation =
      `${rid} is a lower layer: without maxBitrate Chrome's table gives it ${kbps(tableTargetBps)} kbps; ` +
      `a maxBitrate at or below that caps its target, so maxBitrate = the wanted ${kbps(wanted)} kbps saves ${kbps(tableTargetBps - wanted)} kbps`;
  }
  const encodings = sender.encodings.map((e, i) => (i === index ? { ...e, maxBitrate } : { ...e }));
  const layer = streamConfig(sender, encodings).layers[index];
  const predictedBps = role === 'top' ? layer.maxBps : layer.targetBps;
  return { maxBitrate, tableTargetBps, predictedBps, explanation };
}
