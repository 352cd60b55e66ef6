// --format mediasoup: an ES module with
// - simqEncodings: the encodings for mediasoup-client transport.produce({ track, encodings })
//   (ProducerOptions.encodings, https://mediasoup.org/documentation/v3/mediasoup-client/api/#transport-produce),
//   ordered from lowest to highest resolution, because mediasoup "assumes that each encoding represents a
//   spatial layer and that those entries are ordered from lowest to highest resolution (encodings[0] means
//   spatial layer 0)" (https://mediasoup.org/documentation/v3/mediasoup/rtp-parameters-and-capabilities/#RtpSendParameters);
// - simqPreferredLayersTable: render size x available bandwidth -> ConsumerLayers
//   { spatialLayer, temporalLayer } for consumer.setPreferredLayers()
//   (https://mediasoup.org/documentation/v3/mediasoup/api/#consumer-setPreferredLayers; ConsumerLayers at
//   #ConsumerLayers), or null when no layer fits (pause the consumer);
// - simqPreferredLayersBySize: the same without a bandwidth limit. mediasoup already lowers a
//   consumer's layers when its own bandwidth estimate says so; setPreferredLayers sets the highest
//   layers it may use, which is what the render size decides;
// - simqLayerSwitching: per spatial layer the up/down switch bitrates (hysteresis) for apps that
//   steer layers from their own estimate;
// - simqPreferredLayers(width, height, availableBps): a lookup in the table.
import type { RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';
import { parseSize } from '../../units.js';
import {
  exportProvenance,
  jsComment,
  jsLiteral,
  lowToHigh,
  liveRunLine,
  provenanceLines,
  requireSender,
  selectableByRid,
  type ExportContext,
  type ExportProvenance,
} from './exportContext.js';
import { exportWarnings } from './exportWarnings.js';
import { svcEncoding, svcSummary, type SvcEncoding } from './svcLayers.js';

/** mediasoup's ConsumerLayers (api/#ConsumerLayers). */
export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

export interface MediasoupPreferredRow {
  viewerSize: string;
  viewerWidth: number;
  viewerHeight: number;
  bandwidthBps: number;
  rid: string | null;
  preferredLayers: ConsumerLayers | null;
}

export interface MediasoupExport {
  provenance: ExportProvenance;
  /** Simulcast: one per layer, lowest first. SVC: the one encoding with its scalabilityMode (no rid). */
  encodings: (RtpEncodingParameters | SvcEncoding)[];
  /** SVC sender: the mode and its spatial layers (mediasoup's consumer is then of type "svc"). */
  svc?: {
    scalabilityMode: string;
    spatialLayers: { spatialLayer: number; size: string; rid: string }[];
    uploadBps: number;
  };
  layerSwitching: {
    rid: string;
    spatialLayer: number;
    temporalLayer: number;
    bitrateBps: number;
    upSwitchBps: number;
    downSwitchBps: number;
  }[];
  preferredLayersTable: MediasoupPreferredRow[];
  preferredLayersBySize: {
    viewerSize: string;
    viewerWidth: number;
    viewerHeight: number;
    rid: string;
    preferredLayers: ConsumerLayers;
  }[];
}

const bps = (kbps: number) => Math.round(kbps * 1000);

const withTemporal = (l: ConsumerLayers | null, temporalLayer: number | undefined): ConsumerLayers | null =>
  l === null || temporalLayer === undefined ? l : { ...l, temporalLayer };

export function mediasoupExport(ctx: ExportContext): MediasoupExport {
  const sent = requireSender(ctx, 'mediasoup');
  // SVC: mediasoup takes one encoding with a spatial scalabilityMode as SVC (RtpEncodingParameters
  // scalabilityMode, rtp-parameters-and-capabilities/#RtpEncodingParameters) and its consumers then
  // choose { spatialLayer, temporalLayer } inside that stream (SvcConsumer.cpp); layer i is the mode's
  // spatial layer i, lowest first, as libwebrtc numbers them (svc_config.cc).
  const svc = ctx.codec.senderScenario?.svc;
  const encodings = svc ? [svcEncoding(ctx, svc)] : lowToHigh(sent);
  const layers = selectableByRid(ctx);
  const layersOf = (rid: string): ConsumerLayers | null => {
    const l = layers.get(rid);
    return l ? { spatialLayer: l.spatialLayer, temporalLayer: l.temporalLayer } : null;
  };
  const sel = ctx.codec.layerSelection;
  const preferredLayersTable: MediasoupPreferredRow[] = sel.table.map((c) => {
    const wh = parseSize(c.size)!;
    return {
      viewerSize: c.size,
      viewerWidth: wh.width,
      viewerHeight: wh.height,
      bandwidthBps: bps(c.bandwidthKbps),
      rid: c.rid,
      // The cell's temporal layer when the table chose one (temporal operating points measured).
      preferredLayers: c.rid === null ? null : withTemporal(layersOf(c.rid), c.temporalLayer),
    };
  });
  const preferredLayersBySize: MediasoupExport['preferredLayersBySize'] = [];
  for (const size of sel.sizes) {
    const best = sel.layers
      .filter((l) => l.scores[size] !== undefined)
      .sort((a, b) => b.scores[size] - a.scores[size] || a.kbps - b.kbps)[0];
    if (!best) continue;
    const wh = parseSize(size)!;
    preferredLayersBySize.push({
      viewerSize: size,
      viewerWidth: wh.width,
      viewerHeight: wh.height,
      rid: best.rid,
      preferredLayers: { spatialLayer: best.spatialLayer, temporalLayer: best.temporalLayer },
    });
  }
  return {
    provenance: exportProvenance(ctx),
    encodings,
    ...(svc
      ? {
          svc: {
            scalabilityMode: svc.scalabilityMode,
            spatialLayers: svc.points.map((p) => ({ spatialLayer: p.spatialLayer, size: p.size, rid: p.rid })),
            uploadBps: bps(svc.uploadKbps),
          },
        }
      : {}),
    layerSwitching: sel.layers.map((l) => ({
      rid: l.rid,
      spatialLayer: l.spatialLayer,
      temporalLayer: l.temporalLayer,
      bitrateBps: bps(l.kbps),
      upSwitchBps: bps(l.upSwitchKbps),
      downSwitchBps: bps(l.downSwitchKbps),
    })),
    preferredLayersTable,
    preferredLayersBySize,
  };
}

/** The lookup shipped inside the module (plain JS, kept in sync with the table's row order). */
const LOOKUP = `/**
 * ConsumerLayers for a viewer rendering at width x height with availableBps of bandwidth: the smallest
 * measured render size that covers the viewer (else the largest), then the highest bandwidth bucket
 * <= availableBps. null: nothing fits, pause the consumer.
 * @param {number} viewerWidth @param {number} viewerHeight @param {number} availableBps
 * @returns {{spatialLayer: number, temporalLayer?: number} | null}
 */
export function simqPreferredLayers(viewerWidth, viewerHeight, availableBps) {
  const rows = simqPreferredLayersTable;
  if (rows.length === 0) return null;
  let size = null;
  for (const r of rows) {
    const covers = r.viewerWidth >= viewerWidth && r.viewerHeight >= viewerHeight;
    if (covers && (size === null || r.viewerWidth * r.viewerHeight < size.viewerWidth * size.viewerHeight)) size = r;
  }
  if (size === null) size = rows.reduce((a, b) => (b.viewerWidth * b.viewerHeight > a.viewerWidth * a.viewerHeight ? b : a));
  const fitting = rows.filter((r) => r.viewerSize === size.viewerSize && r.bandwidthBps <= availableBps);
  return fitting.length ? fitting[fitting.length - 1].preferredLayers : null;
}
`;

export function renderMediasoup(ctx: ExportContext): string {
  const m = mediasoupExport(ctx);
  const svc = ctx.codec.senderScenario?.svc;
  const header = jsComment([
    ...provenanceLines(ctx, 'simq recommendation for mediasoup (ES module)'),
    liveRunLine('mediasoup', 'mediasoup-client types and the mediasoup documentation'),
    '',
    'mediasoup-client:  await sendTransport.produce({ track, encodings: simqEncodings })',
    'mediasoup server:  await consumer.setPreferredLayers(simqPreferredLayers(tileWidth, tileHeight, availableBps) ?? ...)',
    svc
      ? `SVC: simqEncodings is one encoding, ${svcSummary(svc)}. spatialLayer i is the mode's spatial layer i (0 the smallest, libwebrtc svc_config.cc); mediasoup makes the consumer an "svc" consumer. Bitrates in bps.`
      : 'Spatial layer i is simqEncodings[i] (lowest resolution first, as mediasoup expects); bitrates in bps.',
    'Sources: https://mediasoup.org/documentation/v3/mediasoup-client/api/#transport-produce',
    '         https://mediasoup.org/documentation/v3/mediasoup/api/#consumer-setPreferredLayers',
    '         https://mediasoup.org/documentation/v3/mediasoup/rtp-parameters-and-capabilities/#RtpSendParameters',
    'TypeScript: the .d.mts simq writes beside this file declares these exports.',
    ...exportWarnings(ctx, 'mediasoup').map((w) => `NOTE: ${w.message}`),
  ]);
  return [
    header,
    `export const simqProvenance = ${jsLiteral(m.provenance)};\n`,
    `export const simqEncodings = ${jsLiteral(m.encodings)};\n`,
    '// SVC sender: the mode and each spatial layer (rid: the operating point simq measured); null for simulcast.',
    `export const simqSvc = ${m.svc ? jsLiteral(m.svc) : 'null'};\n`,
    '// Hysteresis per layer: switch up at >= upSwitchBps, switch down below downSwitchBps.',
    `export const simqLayerSwitching = ${jsLiteral(m.layerSwitching)};\n`,
    '// Highest layers per render size when bandwidth is not the limit (mediasoup lowers them itself on a low estimate).',
    `export const simqPreferredLayersBySize = ${jsLiteral(m.preferredLayersBySize)};\n`,
    '// Render size x available bandwidth -> ConsumerLayers (null: nothing fits).',
    `export const simqPreferredLayersTable = ${jsLiteral(m.preferredLayersTable)};\n`,
    LOOKUP,
  ].join('\n');
}
