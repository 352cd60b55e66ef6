// --format janus for an SVC sender: the VideoRoom subscriber's `configure` with spatial_layer and
// temporal_layer, per render size and bandwidth.
//
// janus_videoroom.c (Janus 1.1.2; its header documents the subscriber "configure"): "spatial_layer"
// and "temporal_layer" pick the layers "in case VP9-SVC is enabled" (0-2 each; the subscriber gets
// spatial layers <= spatial_layer and temporal layers <= temporal_layer, janus_vp9_svc in
// janus_videoroom_relay_rtp_packet via src/rtp.c janus_rtp_svc_context_process_rtp). Janus reads the
// layer of each VP9 packet from its payload descriptor (src/utils.c janus_vp9_parse_svc), so the
// publisher needs nothing but the SVC encoding itself: no rid, no rid_order. Layer numbers are
// libwebrtc's (svc_config.cc: 0 the smallest). The room must be VP9-only with video_svc (janus_videoroom.c:
// "SVC is only supported, in an experimental way, for VP9"): Janus 1.1.2's VideoRoom has no AV1 SVC.
//
// Janus before 1.1.3 ignores these bodies for a WebRTC publisher: janus_videoroom.c never sets the
// publisher stream's `svc` flag (only remote publishers get it), so it parses no VP9 layers and relays
// every layer to every subscriber. Fixed by commit cfb1c54e ("Fixed broken VP9-SVC demo (fixes
// #3169)", in v1.1.3). Measured with Janus 1.1.2 and Chromium 156: test/janusSvc.browser.test.ts, docs/svc.md.
//
// Like simulcast, Janus never moves a subscriber between layers by bandwidth: the application sends
// configure with the layer for the bandwidth it measures (the subscriberTable below).
import { InputError } from '../../errors.js';
import type { SvcSender } from '../RecommendationTypes.js';
import { parseSize } from '../../units.js';
import { exportProvenance, requireSender, type ExportContext, type ExportProvenance } from './exportContext.js';
import { svcEncoding, svcSummary, type SvcEncoding } from './svcLayers.js';

/** Body of a VideoRoom subscriber `configure` for an SVC publisher (add "mid" yourself). */
export interface JanusSvcConfigure {
  request: 'configure';
  spatial_layer: number;
  temporal_layer: number;
}

/** The configure body for one operating point (also what a simq viewer with policy fixed:S<n>T<t> sends). */
export function janusSvcConfigure(spatialLayer: number, temporalLayer: number): JanusSvcConfigure {
  return { request: 'configure', spatial_layer: spatialLayer, temporal_layer: temporalLayer };
}

export interface JanusSvcExport {
  simq: ExportProvenance & { notes: string[] };
  publisher: {
    /** One encoding with the spatial scalabilityMode (pc.addTransceiver sendEncodings). */
    sendEncodings: SvcEncoding[];
    svc: { scalabilityMode: string; uploadBps: number };
    /** The VideoRoom "create" settings SVC needs. */
    room: { videocodec: 'vp9'; video_svc: true };
  };
  spatialLayers: {
    spatial_layer: number;
    rid: string;
    layer: string;
    bitrateBps: number;
    upSwitchBps: number;
    downSwitchBps: number;
    temporal_layer: number;
  }[];
  subscriberTable: JanusSubscriberRow<JanusSvcConfigure>[];
}

const bps = (kbps: number) => Math.round(kbps * 1000);

/** One row of a Janus export's subscriber table: the configure body to send a viewer of that size at that bandwidth. */
export interface JanusSubscriberRow<C> {
  viewerSize: string;
  viewerWidth: number;
  viewerHeight: number;
  bandwidthBps: number;
  rid: string | null;
  configure: C | null;
}

type SelectedLayer = ExportContext['codec']['layerSelection']['layers'][number];

/** The subscriber table of both Janus exports (simulcast substreams, SVC layers): only the configure body differs. */
export function janusSubscriberTable<C>(
  sel: ExportContext['codec']['layerSelection'],
  configure: (layer: SelectedLayer, temporal: number) => C,
): JanusSubscriberRow<C>[] {
  const layer = new Map(sel.layers.map((l) => [l.rid, l]));
  return sel.table.map((c) => {
    const wh = parseSize(c.size)!;
    const l = c.rid === null ? undefined : layer.get(c.rid);
    return {
      viewerSize: c.size,
      viewerWidth: wh.width,
      viewerHeight: wh.height,
      bandwidthBps: bps(c.bandwidthKbps),
      rid: c.rid,
      configure: l ? configure(l, c.temporalLayer ?? l.temporalLayer) : null,
    };
  });
}

export function janusSvcExport(ctx: ExportContext, svc: SvcSender): JanusSvcExport {
  requireSender(ctx, 'janus');
  const codec = ctx.codec.codec;
  if (codec !== 'vp9') {
    throw new InputError(
      `--format janus: the sender scenario is ${codec.toUpperCase()} SVC; Janus VideoRoom forwards SVC layers of VP9 only (janus_videoroom.c: "SVC is only supported, in an experimental way, for VP9")`,
      'measure VP9 SVC (--scenario svc-l3t3-key --codec vp9), or export a simulcast sender scenario with --sender-scenario',
    );
  }
  const notes = [
    'Create the room VP9-only with "video_svc": true (publisher.room).',
    'Janus before 1.1.3 ignores spatial_layer / temporal_layer for a WebRTC publisher and forwards every layer (janus_videoroom.c never marks its stream as SVC; fixed by commit cfb1c54e, fixes #3169): use Janus >= 1.1.3.',
    `SVC: ${svcSummary(svc)}.`,
    'Janus VideoRoom forwards a subscriber the spatial layers <= spatial_layer and temporal layers <= temporal_layer of the one stream; it does not switch them by bandwidth. Send configure with the layers for the bandwidth you measure.',
    'Add "mid" (the subscription\'s video mid) to each configure body: Janus needs it to know which stream to change.',
    'Run live by simq against Janus 1.1.2 (simq capture --sfu janus --scenario svc-l3t3-key --viewers SIZE:svc:S<n>T<t>): these configure bodies are sent and acknowledged, and 1.1.2 then forwards every layer anyway (test/janusSvc.browser.test.ts).',
  ];
  const sel = ctx.codec.layerSelection;
  return {
    simq: { ...exportProvenance(ctx), notes },
    publisher: {
      sendEncodings: [svcEncoding(ctx, svc)],
      svc: { scalabilityMode: svc.scalabilityMode, uploadBps: bps(svc.uploadKbps) },
      room: { videocodec: 'vp9', video_svc: true },
    },
    spatialLayers: sel.layers.map((l) => ({
      spatial_layer: l.spatialLayer,
      rid: l.rid,
      layer: l.layer,
      bitrateBps: bps(l.kbps),
      upSwitchBps: bps(l.upSwitchKbps),
      downSwitchBps: bps(l.downSwitchKbps),
      temporal_layer: l.temporalLayer,
    })),
    subscriberTable: janusSubscriberTable(sel, (l, temporal) => janusSvcConfigure(l.spatialLayer, temporal)),
  };
}
