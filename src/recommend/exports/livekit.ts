// --format livekit: an ES module with TrackPublishOptions for livekit-client
// (https://docs.livekit.io/reference/client-sdk-js/interfaces/TrackPublishOptions.html; source
// src/room/track/options.ts in github.com/livekit/client-sdk-js):
// - videoEncoding (VideoEncoding { maxBitrate, maxFramerate }): "encoding parameters for camera track",
//   the full-resolution (top) layer;
// - videoSimulcastLayers (VideoPreset[]): "custom video simulcast layers ... you can specify up to two
//   custom layers ... ordered from lowest to highest quality": the lower layers, built with
//   new VideoPreset(width, height, maxBitrate, maxFramerate) (that constructor exists in every
//   livekit-client version; v2 also takes an options object);
// - videoCodec, simulcast, and for VP9/AV1 scalabilityMode 'L1T3' (see svcSimulcast below).
// LiveKit derives each lower layer's scaleResolutionDownBy from the preset's size relative to the
// capture size, so the capture resolution the run measured is exported too (VideoResolution).
// LiveKit's SFU picks the layer for each subscriber itself (adaptiveStream, bandwidth), so only the
// publisher side is configurable here.
import type { Codec, RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';
import { parseSize } from '../../units.js';
import {
  exportProvenance,
  jsComment,
  jsLiteral,
  lowToHigh,
  liveRunLine,
  provenanceLines,
  requireSender,
  type ExportContext,
  type ExportProvenance,
} from './exportContext.js';
import { exportWarnings } from './exportWarnings.js';
import { liveKitSvcPublishOptions } from './livekitSvc.js';

/** livekit-client VideoEncoding. */
export interface LiveKitVideoEncoding {
  maxBitrate: number;
  maxFramerate?: number;
}

/** The arguments of new VideoPreset(width, height, maxBitrate, maxFramerate) (also VideoPresetOptions). */
export interface LiveKitPresetArgs {
  width: number;
  height: number;
  maxBitrate: number;
  maxFramerate?: number;
}

export interface LiveKitExport {
  provenance: ExportProvenance;
  captureResolution: { width: number; height: number; frameRate: number };
  publishOptions: {
    videoCodec: Codec;
    /** Absent for an SVC sender (livekit-client turns simulcast off for 2 or 3 spatial layers). */
    simulcast?: boolean;
    scalabilityMode?: string;
    videoEncoding: LiveKitVideoEncoding;
    videoSimulcastLayers?: LiveKitPresetArgs[];
    /** SVC sender: the codec LiveKit publishes for subscribers that cannot decode VP9/AV1. */
    backupCodec?: { codec: 'vp8'; encoding?: LiveKitVideoEncoding };
  };
  notes: string[];
}

/**
 * LiveKit sends VP9/AV1 as one SVC stream (scalabilityMode L3T3_KEY, options.ts), whose maxBitrate
 * covers every layer. livekit-client 2.22.3 and later publish them as rid-based simulcast instead
 * (isSVCSimulcast in room/utils.ts) when simulcast is on and scalabilityMode is L1Tx, against a
 * livekit-server newer than 1.13.6 and a browser past Chrome 113 (not Safari); otherwise it falls
 * back to a single stream. That simulcast is what simq measured.
 */
function svcSimulcast(codec: Codec, lowToHighActive: readonly RtpEncodingParameters[]): string | undefined {
  if ((codec !== 'vp9' && codec !== 'av1') || lowToHighActive.length < 2) return undefined;
  const measured = lowToHighActive[lowToHighActive.length - 1].scalabilityMode;
  return measured && /^L1T[1-3]$/.test(measured) ? measured : 'L1T3';
}

export function liveKitExport(ctx: ExportContext): LiveKitExport {
  const svc = ctx.codec.senderScenario?.svc;
  if (svc) {
    requireSender(ctx, 'livekit');
    const notes: string[] = [];
    const p = ctx.rec.provenance;
    const publishOptions = liveKitSvcPublishOptions(ctx, svc, notes);
    return {
      provenance: exportProvenance(ctx),
      captureResolution: { width: p.clip.width, height: p.clip.height, frameRate: p.clip.fps },
      publishOptions,
      notes,
    };
  }
  const encodings = lowToHigh(requireSender(ctx, 'livekit')).filter((e) => e.active);
  const p = ctx.rec.provenance;
  const layerSize = new Map(ctx.codec.layerSelection.layers.map((l) => [l.rid, parseSize(l.layer)]));
  const fps = (e: { maxFramerate?: number }) => e.maxFramerate ?? p.clip.fps;
  const notes: string[] = [];
  const top = encodings[encodings.length - 1];
  const lower = encodings.slice(0, -1);
  // The measurements ran at the clip's frame rate on every layer; LiveKit's default presets lower the
  // frame rate of small layers, so maxFramerate is always written out.
  const videoEncoding: LiveKitVideoEncoding = { maxBitrate: top.maxBitrate ?? 0, maxFramerate: fps(top) };
  if (top.maxBitrate === undefined)
    notes.push(`no maxBitrate advice for the top layer ${top.rid}; set videoEncoding.maxBitrate yourself`);
  // One measured layer: simulcast off, or LiveKit would add default lower layers nobody measured.
  const publishOptions: LiveKitExport['publishOptions'] = {
    videoCodec: ctx.codec.codec,
    simulcast: encodings.length > 1,
    videoEncoding,
  };
  const scalabilityMode = svcSimulcast(ctx.codec.codec, encodings);
  if (scalabilityMode) {
    publishOptions.scalabilityMode = scalabilityMode;
    notes.push(
      `${ctx.codec.codec.toUpperCase()} as simulcast (scalabilityMode ${scalabilityMode} on each layer) needs livekit-client >= 2.22.3, livekit-server > 1.13.6 and Chrome >= 113 (not Safari); ` +
        'older ones send one SVC stream and videoEncoding.maxBitrate then caps all layers together',
    );
  } else if (ctx.codec.codec === 'vp9' || ctx.codec.codec === 'av1') {
    notes.push(
      `one ${ctx.codec.codec.toUpperCase()} layer was measured: LiveKit sends it as one stream, videoEncoding caps it`,
    );
  }
  if (lower.length > 2)
    notes.push(
      `LiveKit takes at most two custom lower layers; ${lower.length} were measured, the two largest are kept`,
    );
  if (lower.length > 0) {
    publishOptions.videoSimulcastLayers = lower.slice(-2).map((e) => {
      const size = layerSize.get(e.rid) ?? {
        width: Math.round(p.clip.width / e.scaleResolutionDownBy),
        height: Math.round(p.clip.height / e.scaleResolutionDownBy),
      };
      if (e.maxBitrate === undefined)
        notes.push(`no maxBitrate advice for ${e.rid}; LiveKit needs one, ${e.rid} is written with 0`);
      return { width: size.width, height: size.height, maxBitrate: e.maxBitrate ?? 0, maxFramerate: fps(e) };
    });
  }
  notes.push(...exportWarnings(ctx, 'livekit').map((w) => w.message));
  return {
    provenance: exportProvenance(ctx),
    captureResolution: { width: p.clip.width, height: p.clip.height, frameRate: p.clip.fps },
    publishOptions,
    notes,
  };
}

export function renderLiveKit(ctx: ExportContext): string {
  const lk = liveKitExport(ctx);
  const { videoSimulcastLayers, ...rest } = lk.publishOptions;
  const body = jsLiteral(rest).replace(/\n}$/, '');
  const presets = videoSimulcastLayers
    ? `,\n  "videoSimulcastLayers": [\n${videoSimulcastLayers
        .map(
          (l) =>
            `    new VideoPreset(${l.width}, ${l.height}, ${l.maxBitrate}${l.maxFramerate !== undefined ? `, ${l.maxFramerate}` : ''})`,
        )
        .join(',\n')}\n  ]\n}`
    : '\n}';
  const header = jsComment([
    ...provenanceLines(ctx, 'simq recommendation for LiveKit (livekit-client ES module)'),
    liveRunLine('LiveKit server', 'livekit-client types'),
    '',
    'Capture at simqCaptureResolution (the size the run measured), then publish with simqPublishOptions:',
    '  const track = await createLocalVideoTrack({ resolution: simqCaptureResolution });',
    '  await room.localParticipant.publishTrack(track, simqPublishOptions);',
    '  (or new Room({ publishDefaults: simqPublishOptions }))',
    lk.publishOptions.videoSimulcastLayers || !lk.publishOptions.backupCodec
      ? 'videoEncoding = the top layer; videoSimulcastLayers = the lower layers, lowest first. Bitrates in bps.'
      : `One SVC stream (scalabilityMode ${lk.publishOptions.scalabilityMode}): videoEncoding caps all its spatial layers together. Bitrates in bps.`,
    'TypeScript: the .d.mts simq writes beside this file types simqPublishOptions as livekit-client TrackPublishOptions.',
    'Source: https://docs.livekit.io/reference/client-sdk-js/interfaces/TrackPublishOptions.html',
    ...lk.notes.map((n) => `NOTE: ${n}`),
  ]);
  return [
    header,
    ...(videoSimulcastLayers ? ["import { VideoPreset } from 'livekit-client';\n"] : []),
    `export const simqProvenance = ${jsLiteral(lk.provenance)};\n`,
    `export const simqCaptureResolution = ${jsLiteral(lk.captureResolution)};\n`,
    `export const simqPublishOptions = ${body}${presets};\n`,
  ].join('\n');
}
