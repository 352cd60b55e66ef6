// --format livekit: an ES module with TrackPublishOptions for livekit-client
// (https://docs.livekit.io/reference/client-sdk-js/interfaces/TrackPublishOptions.html; source
// src/room/track/options.ts in github.com/livekit/client-sdk-js):
// - videoEncoding (VideoEncoding { maxBitrate, maxFramerate }): "encoding parameters for camera track",
//   the full-resolution (top) layer;
// - videoSimulcastLayers (VideoPreset[]): "custom video simulcast layers ... you can specify up to two
//   custom layers ... ordered from lowest to highest quality": the lower layers, built with
//   new VideoPreset(width, height, maxBitrate, maxFramerate) (that constructor exists in every
//   livekit-client version; v2 also takes an options object);
// - videoCodec, simulcast.
// LiveKit derives each lower layer's scaleResolutionDownBy from the preset's size relative to the
// capture size, so the capture resolution the run measured is exported too (VideoResolution).
// LiveKit's SFU picks the layer for each subscriber itself (adaptiveStream, bandwidth), so only the
// publisher side is configurable here.
import type { Codec } from '../../scenario/ScenarioTypes.js';
import { parseSize } from '../../units.js';
import { exportProvenance, jsComment, jsLiteral, lowToHigh, provenanceLines, requireSender, type ExportContext, type ExportProvenance } from './exportContext.js';

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
    simulcast: boolean;
    videoEncoding: LiveKitVideoEncoding;
    videoSimulcastLayers?: LiveKitPresetArgs[];
  };
  notes: string[];
}

/** LiveKit sends VP9/AV1 as SVC (scalabilityMode L3T3), not simulcast (options.ts TrackPublishDefaults). */
function svcInLiveKit(codec: Codec): boolean {
  return codec === 'vp9' || codec === 'av1';
}

export function liveKitExport(ctx: ExportContext): LiveKitExport {
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
  if (top.maxBitrate === undefined) notes.push(`no maxBitrate advice for the top layer ${top.rid}; set videoEncoding.maxBitrate yourself`);
  const publishOptions: LiveKitExport['publishOptions'] = { videoCodec: ctx.codec.codec, simulcast: true, videoEncoding };
  if (svcInLiveKit(ctx.codec.codec)) {
    notes.push(`LiveKit publishes ${ctx.codec.codec.toUpperCase()} as SVC (L3T3), not simulcast: the simulcast layers measured here do not carry over; only videoEncoding is set`);
  } else {
    if (lower.length > 2) notes.push(`LiveKit takes at most two custom lower layers; ${lower.length} were measured, the two largest are kept`);
    publishOptions.videoSimulcastLayers = lower.slice(-2).map((e) => {
      const size = layerSize.get(e.rid) ?? { width: Math.round(p.clip.width / e.scaleResolutionDownBy), height: Math.round(p.clip.height / e.scaleResolutionDownBy) };
      if (e.maxBitrate === undefined) notes.push(`no maxBitrate advice for ${e.rid}; LiveKit needs one, ${e.rid} is written with 0`);
      return { width: size.width, height: size.height, maxBitrate: e.maxBitrate ?? 0, maxFramerate: fps(e) };
    });
  }
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
        .map((l) => `    new VideoPreset(${l.width}, ${l.height}, ${l.maxBitrate}${l.maxFramerate !== undefined ? `, ${l.maxFramerate}` : ''})`)
        .join(',\n')}\n  ]\n}`
    : '\n}';
  const header = jsComment([
    ...provenanceLines(ctx, 'simq recommendation for LiveKit (livekit-client ES module)'),
    '',
    'Capture at simqCaptureResolution (the size the run measured), then publish with simqPublishOptions:',
    '  const track = await createLocalVideoTrack({ resolution: simqCaptureResolution });',
    '  await room.localParticipant.publishTrack(track, simqPublishOptions);',
    '  (or new Room({ publishDefaults: simqPublishOptions }))',
    'videoEncoding = the top layer; videoSimulcastLayers = the lower layers, lowest first. Bitrates in bps.',
    'Source: https://docs.livekit.io/reference/client-sdk-js/interfaces/TrackPublishOptions.html',
    ...lk.notes.map((n) => `NOTE: ${n}`),
  ]);
  return [
    header,
    "import { VideoPreset } from 'livekit-client';\n",
    `export const simqProvenance = ${jsLiteral(lk.provenance)};\n`,
    `export const simqCaptureResolution = ${jsLiteral(lk.captureResolution)};\n`,
    `export const simqPublishOptions = ${body}${presets};\n`,
  ].join('\n');
}
