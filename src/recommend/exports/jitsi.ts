// --format jitsi: statements to append to jitsi-meet's config.js (after `var config = {...};`) that
// set videoQuality.<codec>.maxBitratesVideo.
// Upstream:
// - config.js (github.com/jitsi/jitsi-meet/blob/master/config.js) documents
//   videoQuality: { vp8: { maxBitratesVideo: { low, standard, high, fullHd, ultraHd, ssHigh } }, vp9: {...,
//   scalabilityModeEnabled, useSimulcast, useKSVC }, av1: {...}, h264: {...} }; older releases had
//   videoQuality.maxBitratesVideo { low, standard, high } or videoQuality.maxBitratesVideo.VP8.
// - lib-jitsi-meet modules/RTC/TPCUtils.ts reads videoQuality[codec].maxBitratesVideo (codec in lower
//   case) and sends three encodings, lowest first: maxBitrate low (scale 4), standard (scale 2) and,
//   for the full-resolution one, the key of the capture height's quality level
//   (service/RTC/StandardVideoQualitySettings.ts VIDEO_QUALITY_LEVELS: 2160 ultraHd, 1080 fullHd,
//   720 high, 360-540 standard, 180-270 low), with scale factors 6/3/1 at 1080p and 12/6/1 at 2160p.
// - videoQuality.codecPreferenceOrder (default AV1, VP9, VP8, H264) decides the codec; the bitrates of
//   another codec change nothing, so --jitsi-prefer-codec also puts the export's codec first.
// - VP9 and AV1 default to SVC in Jitsi (useSimulcast: false); simq measures simulcast, so the export
//   sets useSimulcast: true for them; an SVC sender scenario is exported as Jitsi's SVC instead (jitsiSvc.ts).
// Jitsi Videobridge chooses each receiver's layer itself (bandwidth allocation), so only the sender's
// bitrates are configurable here.
import type { Codec } from '../../scenario/ScenarioTypes.js';
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
import { exportWarnings, JITSI_DEFAULT_CODEC_ORDER, type ExportOptions } from './exportWarnings.js';
import { jitsiSvcSettings } from './jitsiSvc.js';

/** jitsi quality level keys of maxBitratesVideo (StandardVideoQualitySettings.ts VIDEO_QUALITY_SETTINGS). */
export type JitsiLevel = 'low' | 'standard' | 'high' | 'fullHd' | 'ultraHd';

export interface JitsiCodecSettings {
  maxBitratesVideo: Partial<Record<JitsiLevel, number>>;
  /** SVC sender: one encoding with the mode (lib-jitsi-meet TPCUtils.ts); see jitsiSvc.ts. */
  scalabilityModeEnabled?: boolean;
  useSimulcast?: boolean;
  /** SVC sender: L3T3_KEY (true) or L3T3 (false). */
  useKSVC?: boolean;
}

export interface JitsiExport {
  provenance: ExportProvenance;
  /** The key under videoQuality (lower-case codec name, as lib-jitsi-meet's CodecMimeType). */
  codecKey: Codec;
  settings: JitsiCodecSettings;
  /** videoQuality.codecPreferenceOrder, only with --jitsi-prefer-codec. */
  codecPreferenceOrder?: string[];
  notes: string[];
}

/** The quality level of a capture height (VIDEO_QUALITY_LEVELS: first entry whose height <= it). */
export function jitsiLevelForHeight(height: number): JitsiLevel {
  if (height >= 2160) return 'ultraHd';
  if (height >= 1080) return 'fullHd';
  if (height >= 720) return 'high';
  if (height >= 360) return 'standard';
  return 'low';
}

/** Jitsi's scale factors (lowest layer first) for a capture height. */
function jitsiScales(level: JitsiLevel): number[] {
  if (level === 'ultraHd') return [12, 6, 1];
  if (level === 'fullHd') return [6, 3, 1];
  return [4, 2, 1];
}

export function jitsiExport(ctx: ExportContext, options: ExportOptions = {}): JitsiExport {
  const svc = ctx.codec.senderScenario?.svc;
  if (svc) {
    requireSender(ctx, 'jitsi');
    const notes: string[] = [];
    const settings = jitsiSvcSettings(ctx, svc, notes);
    notes.push(...exportWarnings(ctx, 'jitsi', options).map((w) => w.message));
    const name = ctx.codec.codec.toUpperCase();
    const codecPreferenceOrder = options.jitsiPreferCodec
      ? [name, ...JITSI_DEFAULT_CODEC_ORDER.filter((c) => c !== name)]
      : undefined;
    return { provenance: exportProvenance(ctx), codecKey: ctx.codec.codec, settings, codecPreferenceOrder, notes };
  }
  const encodings = lowToHigh(requireSender(ctx, 'jitsi')).filter((e) => e.active);
  const height = ctx.rec.provenance.clip.height;
  const topLevel = jitsiLevelForHeight(height);
  const notes: string[] = [];
  const keys: JitsiLevel[] =
    encodings.length >= 3 ? ['low', 'standard', topLevel] : encodings.length === 2 ? ['low', topLevel] : [topLevel];
  if (encodings.length > 3)
    notes.push(`Jitsi sends three encodings; ${encodings.length} were measured, the three lowest are used`);
  if (encodings.length < 3)
    notes.push(
      `Jitsi sends three encodings; only ${encodings.length} were active in the sender scenario, so only ${keys.join(', ')} are set`,
    );
  const scales = jitsiScales(topLevel);
  const measuredScales = encodings.slice(0, 3).map((e) => e.scaleResolutionDownBy);
  if (encodings.length === 3 && measuredScales.some((s, i) => s !== scales[i])) {
    notes.push(
      `Jitsi scales a ${height}p camera by ${scales.join('/')}; the sender scenario used ${measuredScales.join('/')}: the layer sizes differ from what was measured`,
    );
  }
  const maxBitratesVideo: Partial<Record<JitsiLevel, number>> = {};
  encodings.slice(0, 3).forEach((e, i) => {
    if (e.maxBitrate !== undefined) maxBitratesVideo[keys[i]] = e.maxBitrate;
    else notes.push(`no maxBitrate advice for ${e.rid}: ${keys[i]} keeps Jitsi's default`);
  });
  const settings: JitsiCodecSettings = { maxBitratesVideo };
  if (ctx.codec.codec === 'vp9' || ctx.codec.codec === 'av1') settings.useSimulcast = true;
  notes.push(...exportWarnings(ctx, 'jitsi', options).map((w) => w.message));
  const name = ctx.codec.codec.toUpperCase();
  const codecPreferenceOrder = options.jitsiPreferCodec
    ? [name, ...JITSI_DEFAULT_CODEC_ORDER.filter((c) => c !== name)]
    : undefined;
  return { provenance: exportProvenance(ctx), codecKey: ctx.codec.codec, settings, codecPreferenceOrder, notes };
}

export function renderJitsi(ctx: ExportContext, options: ExportOptions = {}): string {
  const j = jitsiExport(ctx, options);
  const k = j.codecKey;
  const { maxBitratesVideo, ...other } = j.settings;
  const header = jsComment([
    ...provenanceLines(ctx, 'simq recommendation for Jitsi Meet (append to config.js, after `var config = {...};`)'),
    liveRunLine('Jitsi Meet', 'the videoQuality schema of Jitsi Meet config.js'),
    '',
    `Sets config.videoQuality.${k}.maxBitratesVideo (bps) and keeps every other videoQuality setting.`,
    j.settings.useKSVC !== undefined
      ? `SVC: Jitsi sends one ${k.toUpperCase()} encoding (scalabilityModeEnabled, useSimulcast false, useKSVC ${j.settings.useKSVC}).`
      : 'Jitsi sends three encodings, lowest first: low, standard, and the capture-height level (high for 720p).',
    'Sources: https://github.com/jitsi/jitsi-meet/blob/master/config.js (videoQuality)',
    '         https://github.com/jitsi/lib-jitsi-meet/blob/master/modules/RTC/TPCUtils.ts',
    ...j.notes.map((n) => `NOTE: ${n}`),
  ]);
  const extra = Object.keys(other).length ? `${jsLiteral(other, 0)}, ` : '';
  const lines = [
    header,
    'config.videoQuality = config.videoQuality || {};',
    `config.videoQuality.${k} = Object.assign({}, config.videoQuality.${k}, ${extra}{`,
    `    maxBitratesVideo: Object.assign({}, (config.videoQuality.${k} || {}).maxBitratesVideo, ${jsLiteral(maxBitratesVideo, 0)})`,
    '});',
  ];
  if (j.codecPreferenceOrder)
    lines.push(`config.videoQuality.codecPreferenceOrder = ${jsLiteral(j.codecPreferenceOrder, 0)};`);
  lines.push('');
  return lines.join('\n');
}
