// --format janus: substream thresholds for Janus VideoRoom subscribers, as JSON.
//
// What Janus takes (janus_videoroom.c documentation, "configure" for subscribers):
//   { "request": "configure", "mid": "<subscription mid>", "substream": 0-2, "temporal": 0-2,
//     "fallback": <us without packets before dropping to the substream below, default 250000>, ... }
// What Janus does NOT take: bitrate thresholds. The VideoRoom never picks a substream from a bandwidth
// estimate; it only falls back to a lower substream when the chosen one stops flowing for `fallback`
// microseconds. Switching by bandwidth is the application's job: measure the subscriber's bandwidth
// (its receive stats, or VideoRoom "slow_link" events) and send `configure` with the substream from
// subscriberTable, using the up/down thresholds of `substreams` to avoid flapping.
//
// Substream numbers: Janus reads the offer's rid list as highest first (src/rtp.c
// janus_rtp_simulcasting_prepare reverses it) unless the publish JSEP carries rid_order "lmh"
// (src/janus.c, jsep "rid_order"). publisher.sendEncodings stay lowest first, as simq measured them,
// and publisher.ridOrder is "lmh": put it into the publish JSEP (janus.js: createOffer's result
// jsep.rid_order = "lmh" before sending `publish`). Reversing the encodings instead is not the same
// sender: Chromium then encodes with "SimulcastEncoderAdapter (libvpx, libvpx, libvpx)" rather than
// one libvpx simulcast encoder (measured with Janus 1.1.2; ../shared/docs/sfu-and-links.md).
// publisher.simulcastMaxBitrates { high, medium, low } is janus.js's shorthand when it builds them.
//
// Run for real: simq capture --sfu janus --janus-export <this file> --viewers ...:table publishes these
// sendEncodings with ridOrder into a live Janus 1.1.2 and sends these configure bodies (plus mid) to
// its subscribers (test/janusViewers.browser.test.ts).
//
// Pure JSON cannot carry a comment, so the provenance is the "simq" member; Janus is never handed the
// whole document, only the `configure` bodies inside it, which carry nothing but Janus keys.
import type { RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';
import {
  exportProvenance,
  lowToHigh,
  requireSender,
  type ExportContext,
  type ExportProvenance,
} from './exportContext.js';
import { exportWarnings } from './exportWarnings.js';
import { janusSubscriberTable, janusSvcExport, type JanusSubscriberRow } from './janusSvc.js';

/** Body of a VideoRoom subscriber `configure` request (the keys simq sets; add "mid" yourself). */
export interface JanusConfigure {
  request: 'configure';
  substream: number;
  temporal: number;
}

export interface JanusExport {
  simq: ExportProvenance & { notes: string[] };
  publisher: {
    /** Lowest resolution first, as measured; publish with jsep.rid_order = ridOrder. */
    sendEncodings: RtpEncodingParameters[];
    /** The publish JSEP's rid_order: "lmh" = the rids are listed lowest first (substream 0 = first rid). */
    ridOrder: 'lmh';
    simulcastMaxBitrates?: { high?: number; medium?: number; low?: number };
  };
  substreams: {
    substream: number;
    rid: string;
    layer: string;
    bitrateBps: number;
    upSwitchBps: number;
    downSwitchBps: number;
    temporal: number;
  }[];
  subscriberTable: JanusSubscriberRow<JanusConfigure>[];
}

const bps = (kbps: number) => Math.round(kbps * 1000);

export function janusExport(ctx: ExportContext): JanusExport {
  const ordered = lowToHigh(requireSender(ctx, 'janus'));
  const notes = [
    'Janus VideoRoom does not switch substreams by bandwidth; it only falls back a substream when packets stop for "fallback" us (default 250000). Send configure with the substream for the bandwidth you measure.',
    'Add "mid" (the subscription\'s video mid) to each configure body: Janus needs it to know which stream to change.',
    'sendEncodings are lowest resolution first, as measured: publish with jsep.rid_order = "lmh" (publisher.ridOrder) so Janus numbers substreams from the first rid (0 = lowest). Without it Janus reads the list highest first and substream 0 becomes the largest layer; reversing the encodings instead changes Chromium\'s encoder (SimulcastEncoderAdapter instead of one libvpx simulcast encoder).',
    'Run live by simq against Janus 1.1.2 (simq capture --sfu janus --janus-export): the publisher settings and the configure bodies of this file.',
  ];
  if (ordered.length > 3)
    notes.push(`Janus handles at most three substreams; ${ordered.length} encodings were measured`);
  notes.push(...exportWarnings(ctx, 'janus').map((w) => w.message));
  const substreamOf = new Map(ordered.map((e, i) => [e.rid, i]));
  const sel = ctx.codec.layerSelection;
  const publisher: JanusExport['publisher'] = { sendEncodings: [...ordered], ridOrder: 'lmh' };
  if (ordered.length === 3 && ordered.every((e) => e.maxBitrate !== undefined)) {
    publisher.simulcastMaxBitrates = {
      low: ordered[0].maxBitrate,
      medium: ordered[1].maxBitrate,
      high: ordered[2].maxBitrate,
    };
  }
  return {
    simq: { ...exportProvenance(ctx), notes },
    publisher,
    substreams: sel.layers.map((l) => ({
      substream: substreamOf.get(l.rid) ?? l.spatialLayer,
      rid: l.rid,
      layer: l.layer,
      bitrateBps: bps(l.kbps),
      upSwitchBps: bps(l.upSwitchKbps),
      downSwitchBps: bps(l.downSwitchKbps),
      temporal: l.temporalLayer,
    })),
    subscriberTable: janusSubscriberTable(sel, (l, temporal): JanusConfigure => ({
      request: 'configure',
      substream: substreamOf.get(l.rid) ?? l.spatialLayer,
      temporal,
    })),
  };
}

export function renderJanus(ctx: ExportContext): string {
  const svc = ctx.codec.senderScenario?.svc;
  return JSON.stringify(svc ? janusSvcExport(ctx, svc) : janusExport(ctx), null, 2) + '\n';
}
