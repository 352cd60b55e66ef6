// What the SFU exports of an SVC sender share: the producer's one encoding and, per spatial layer, the
// operating point the SFU forwards. Spatial layer numbers are libwebrtc's (svc_config.cc /
// av1_svc_config.cc: 0 the smallest), which mediasoup's ConsumerLayers.spatialLayer and Janus's
// spatial_layer use as well; the temporal layer is the highest one forwarded (T count - 1 = all).
import type { RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';
import type { SvcSender } from '../RecommendationTypes.js';
import type { ExportContext } from './exportContext.js';

/** The SVC encoding as RTCRtpEncodingParameters without a rid: one encoding is not simulcast. */
export type SvcEncoding = Omit<RtpEncodingParameters, 'rid' | 'scaleResolutionDownByUnset'>;

export function svcEncoding(ctx: ExportContext, svc: SvcSender): SvcEncoding {
  const e = ctx.codec.recommendedEncodings.find((x) => x.rid === svc.rid) ?? ctx.codec.recommendedEncodings[0];
  const out: SvcEncoding = {
    active: e.active,
    scaleResolutionDownBy: e.scaleResolutionDownBy,
    scalabilityMode: svc.scalabilityMode,
  };
  if (e.maxBitrate !== undefined) out.maxBitrate = e.maxBitrate;
  if (e.maxFramerate !== undefined) out.maxFramerate = e.maxFramerate;
  return out;
}

/** The sentence each SVC export carries: what the one stream holds and what was measured of it. */
export function svcSummary(svc: SvcSender): string {
  return (
    `one ${svc.scalabilityMode} stream: spatial layers ${svc.points.map((p) => `${p.spatialLayer} = ${p.size}`).join(', ')}, temporal layers 0-${svc.temporalLayers - 1}; ` +
    `the sender uploaded ${svc.uploadKbps} kbps for all of them (each layer's tapped bytes), maxBitrate caps them together`
  );
}
