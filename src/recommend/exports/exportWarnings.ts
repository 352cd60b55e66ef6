// What an SFU/SDK does with the measured layers that differs from what simq measured. Each export
// repeats these in its header (or its "simq" notes), and `simq recommend --format` prints them.
import type { Codec } from '../../scenario/ScenarioTypes.js';
import { lowToHigh, requireSender, type ExportContext } from './exportContext.js';

export type ExportWarningKind =
  'mediasoup-svc-codec-simulcast' | 'livekit-small-capture' | 'jitsi-codec-preference' | 'janus-send-encodings';

export interface ExportWarning {
  kind: ExportWarningKind;
  message: string;
}

/** Options of the SFU exports that change what they write. */
export interface ExportOptions {
  /** Jitsi: also set videoQuality.codecPreferenceOrder with the export's codec first. */
  jitsiPreferCodec?: boolean;
}

/** The default of videoQuality.codecPreferenceOrder (jitsi-meet config.js; lib-jitsi-meet modules/qualitycontrol/CodecSelection.ts DESKTOP_VIDEO_CODEC_ORDER). */
export const JITSI_DEFAULT_CODEC_ORDER = ['AV1', 'VP9', 'VP8', 'H264'] as const;

/** livekit-client sends the middle preset only when the capture's longer side is >= 960 px, and any lower one from 480 px (computeVideoEncodings in room/participant/publishUtils.ts). */
export const LIVEKIT_THREE_LAYERS_PX = 960;
export const LIVEKIT_TWO_LAYERS_PX = 480;

const svcCodec = (codec: Codec) => codec === 'vp9' || codec === 'av1';

function mediasoupWarnings(ctx: ExportContext): ExportWarning[] {
  const codec = ctx.codec.codec;
  const active = requireSender(ctx, 'mediasoup').filter((e) => e.active);
  if (!svcCodec(codec) || active.length < 2) return [];
  return [
    {
      kind: 'mediasoup-svc-codec-simulcast',
      message:
        `mediasoup documents simulcast for VP8 and H.264 only (VP9 as SVC): a ${codec.toUpperCase()} producer with ${active.length} encodings is not ` +
        'the simulcast simq measured; check it on your mediasoup version, or measure and send VP8/H.264',
    },
  ];
}

/** Below 960 px LiveKit keeps the lowest preset and the top (the middle one is dropped); below 480 px only the top. */
function liveKitWarnings(ctx: ExportContext): ExportWarning[] {
  const { width, height } = ctx.rec.provenance.clip;
  const side = Math.max(width, height);
  const lower = lowToHigh(requireSender(ctx, 'livekit'))
    .filter((e) => e.active)
    .slice(0, -1)
    .slice(-2);
  if (side >= LIVEKIT_THREE_LAYERS_PX || lower.length === 0) return [];
  if (side >= LIVEKIT_TWO_LAYERS_PX && lower.length < 2) return [];
  const dropped = side >= LIVEKIT_TWO_LAYERS_PX ? [lower[1].rid] : lower.map((e) => e.rid);
  return [
    {
      kind: 'livekit-small-capture',
      message:
        `the capture is ${width}x${height}: livekit-client sends three layers only from a ${LIVEKIT_THREE_LAYERS_PX} px longer side ` +
        `(two from ${LIVEKIT_TWO_LAYERS_PX} px), so the measured layer${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} will not be sent`,
    },
  ];
}

function jitsiWarnings(ctx: ExportContext, options: ExportOptions): ExportWarning[] {
  const name = ctx.codec.codec.toUpperCase();
  if (options.jitsiPreferCodec || name === JITSI_DEFAULT_CODEC_ORDER[0]) return [];
  return [
    {
      kind: 'jitsi-codec-preference',
      message:
        `Jitsi prefers ${JITSI_DEFAULT_CODEC_ORDER.join(' > ')} by default (videoQuality.codecPreferenceOrder): these ${name} bitrates change ` +
        `nothing while another codec is negotiated; pass --jitsi-prefer-codec to put ${name} first`,
    },
  ];
}

function janusWarnings(): ExportWarning[] {
  return [
    {
      kind: 'janus-send-encodings',
      message:
        'janus.js: publish with publisher.sendEncodings (the measured layers); the simulcastMaxBitrates shorthand makes janus.js ' +
        'build its own encodings (its own scale factors and L1T2), which is not what simq measured',
    },
  ];
}

/** The warnings of one export format (none for the formats that are not for one SFU). */
export function exportWarnings(ctx: ExportContext, format: string, options: ExportOptions = {}): ExportWarning[] {
  switch (format) {
    case 'mediasoup':
      return mediasoupWarnings(ctx);
    case 'livekit':
      return liveKitWarnings(ctx);
    case 'jitsi':
      return jitsiWarnings(ctx, options);
    case 'janus':
      // An SVC sender has one encoding and no simulcastMaxBitrates: the shorthand warning does not apply.
      return ctx.codec.senderScenario?.svc ? [] : janusWarnings();
    default:
      return [];
  }
}
