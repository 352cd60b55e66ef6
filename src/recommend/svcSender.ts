// An SVC scenario as the sender the exports describe: one VP9/AV1 encoding with a spatial
// scalabilityMode, whose operating points (rids "<rid>-S<n>", cut at capture, src/capture/svcFinish.ts)
// are what an SFU forwards. The SFU numbers spatial layers from the lowest (0) as libwebrtc does
// (svc_config.cc GetVp9SvcConfig / av1_svc_config.cc: layer 0 the smallest), which is also
// mediasoup's ConsumerLayers.spatialLayer and Janus's spatial_layer for VP9 SVC.
import type { ScenarioRecord } from '../rundir/RunTypes.js';
import { parseScalabilityMode, type InterLayerPrediction } from '../scenario/ScalabilityMode.js';
import type { SvcSender } from './RecommendationTypes.js';

/** The SVC description of a scenario, or undefined when it is not an SVC scenario simq cut points from. */
export function svcSender(s: Pick<ScenarioRecord, 'layers'>): SvcSender | undefined {
  const encoding = s.layers.find((l) => l.svc);
  const svc = encoding?.svc;
  if (!encoding || !svc) return undefined;
  const points = s.layers
    .filter((l) => l.svcPoint?.of === encoding.rid)
    .sort((a, b) => a.svcPoint!.spatial - b.svcPoint!.spatial)
    .map((l) => {
      const size =
        svc.layersVsPlan.find((p) => p.spatial === l.svcPoint!.spatial)?.size ??
        `${l.configured.width}x${l.configured.height}`;
      return { rid: l.rid, spatialLayer: l.svcPoint!.spatial, temporalLayers: l.svcPoint!.temporalLayers, size };
    });
  if (points.length === 0) return undefined;
  // The mode the browser reported (it is the asked one when honoured; a mode not honoured has no points).
  const scalabilityMode = svc.reportedMode ?? svc.requestedMode;
  const mode = parseScalabilityMode(scalabilityMode);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    rid: encoding.rid,
    scalabilityMode,
    spatialLayers: mode?.spatialLayers ?? points.length,
    temporalLayers: mode?.temporalLayers ?? Math.max(...points.map((p) => p.temporalLayers)),
    interLayer: mode?.interLayer ?? ('on' as InterLayerPrediction),
    points,
    uploadKbps: round(svc.layersVsPlan.reduce((sum, l) => sum + l.measuredKbps, 0)),
    ceilingKbps: round(svc.layersVsPlan.reduce((sum, l) => sum + l.predictedKbps, 0)),
  };
}
