// --format livekit for an SVC sender: TrackPublishOptions that make livekit-client send the measured
// mode as one SVC stream (livekit-client src/room/track/options.ts, TrackPublishDefaults):
// - videoCodec 'vp9' | 'av1' and scalabilityMode (the ScalabilityMode type: L1T1..L3T3_KEY, no S modes,
//   no L2T2_KEY_SHIFT; "for svc codecs, simulcast is disabled if more than one spatial layer is used");
// - videoEncoding.maxBitrate caps the whole stream (every spatial layer: one RTCRtpEncodingParameters,
//   room/participant/publishUtils.ts computeVideoEncodings puts it on the single SVC encoding);
// - backupCodec: for a subscriber that cannot decode VP9/AV1 LiveKit publishes a second track in the
//   backup codec (default VP8 simulcast with its own presets). When the run also measured VP8 with a
//   sender scenario, its top layer's maxBitrate is carried as the backup's encoding.
// LiveKit's SFU then forwards each subscriber a spatial/temporal layer itself (adaptiveStream), so the
// publisher side is all that is configurable.
import { InputError } from '../../errors.js';
import type { SvcSender } from '../RecommendationTypes.js';
import type { ExportContext } from './exportContext.js';
import type { LiveKitVideoEncoding } from './livekit.js';

/** livekit-client's ScalabilityMode (room/track/options.ts), the modes its publish options take. */
export const LIVEKIT_SCALABILITY_MODES = [
  'L1T1',
  'L1T2',
  'L1T3',
  'L2T1',
  'L2T1h',
  'L2T1_KEY',
  'L2T2',
  'L2T2h',
  'L2T2_KEY',
  'L2T3',
  'L2T3h',
  'L2T3_KEY',
  'L3T1',
  'L3T1h',
  'L3T1_KEY',
  'L3T2',
  'L3T2h',
  'L3T2_KEY',
  'L3T3',
  'L3T3h',
  'L3T3_KEY',
] as const;

export interface LiveKitSvcPublishOptions {
  videoCodec: 'vp9' | 'av1';
  scalabilityMode: string;
  videoEncoding: LiveKitVideoEncoding;
  backupCodec: { codec: 'vp8'; encoding?: LiveKitVideoEncoding };
}

export function liveKitSvcPublishOptions(
  ctx: ExportContext,
  svc: SvcSender,
  notes: string[],
): LiveKitSvcPublishOptions {
  const codec = ctx.codec.codec;
  if (codec !== 'vp9' && codec !== 'av1')
    throw new InputError(
      `--format livekit: an SVC sender in ${codec}; LiveKit sends SVC for VP9 and AV1 only`,
      'measure VP9 or AV1 SVC, or export a simulcast sender scenario',
    );
  if (!(LIVEKIT_SCALABILITY_MODES as readonly string[]).includes(svc.scalabilityMode)) {
    throw new InputError(
      `--format livekit: the sender scenario sends ${svc.scalabilityMode}, which livekit-client's ScalabilityMode does not take (${LIVEKIT_SCALABILITY_MODES.filter((m) => !m.startsWith('L1')).join(', ')})`,
      'measure an L mode (e.g. --scenario svc-l3t3-key) and export that with --sender-scenario',
    );
  }
  const top = ctx.codec.recommendedEncodings.find((e) => e.rid === svc.rid);
  const fps = top?.maxFramerate ?? ctx.rec.provenance.clip.fps;
  const videoEncoding: LiveKitVideoEncoding = {
    maxBitrate: top?.maxBitrate ?? Math.round(svc.ceilingKbps * 1000),
    maxFramerate: fps,
  };
  notes.push(
    `one ${codec.toUpperCase()} SVC stream, ${svc.scalabilityMode}: videoEncoding.maxBitrate ${videoEncoding.maxBitrate} bps caps all ${svc.spatialLayers} spatial layers together ` +
      `(simq plan's total for the stream as measured: libwebrtc caps an uncapped SVC stream at its layers' maxima summed, svc_config.cc, so this was the encoder's target then too; it uploaded ${svc.uploadKbps} kbps). A lower cap takes bits from the top layer first (svc_rate_allocator.cc)`,
  );
  notes.push(
    `LiveKit's SFU forwards each subscriber one of the spatial layers ${svc.points.map((p) => `${p.spatialLayer} (${p.size})`).join(', ')} by its own rules (adaptiveStream); simq measured what each delivers (recommendation.json layerSelection)`,
  );
  // The backup track: VP8 simulcast. Its top layer's measured advice when the run has a VP8 sender.
  const vp8 = ctx.rec.codecs.find((c) => c.codec === 'vp8' && c.senderScenario && !c.senderScenario.svc);
  const vp8Top = vp8
    ? [...vp8.recommendedEncodings]
        .filter((e) => e.active)
        .sort((a, b) => a.scaleResolutionDownBy - b.scaleResolutionDownBy)[0]
    : undefined;
  const backupCodec: LiveKitSvcPublishOptions['backupCodec'] = { codec: 'vp8' };
  if (vp8Top?.maxBitrate !== undefined) {
    backupCodec.encoding = {
      maxBitrate: vp8Top.maxBitrate,
      maxFramerate: vp8Top.maxFramerate ?? ctx.rec.provenance.clip.fps,
    };
    notes.push(
      `backupCodec VP8 (for subscribers without ${codec.toUpperCase()}): its top layer at the maxBitrate this run advises for VP8 ${vp8Top.rid}; its lower layers are LiveKit's presets`,
    );
  } else {
    notes.push(
      `backupCodec VP8 (for subscribers without ${codec.toUpperCase()}) with LiveKit's own presets: this run measured no VP8 sender; measure one and export it with --codec vp8 to set its layers`,
    );
  }
  return { videoCodec: codec, scalabilityMode: svc.scalabilityMode, videoEncoding, backupCodec };
}
