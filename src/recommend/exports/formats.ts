// The export formats of `simq recommend --format`, one renderer each.
import type { Recommendation } from '../RecommendationTypes.js';
import { renderRecommendationCsv } from './csv.js';
import { renderEncodings } from './encodings.js';
import { exportContext } from './exportContext.js';
import { exportWarnings, type ExportOptions, type ExportWarning } from './exportWarnings.js';
import { renderJanus } from './janus.js';
import { renderJitsi } from './jitsi.js';
import { renderRecommendationJson } from './json.js';
import { renderLiveKit } from './livekit.js';
import { renderMediasoup } from './mediasoup.js';

export const EXPORT_FORMATS = ['encodings', 'mediasoup', 'livekit', 'jitsi', 'janus', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(f: string): f is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(f);
}

/** The whole record, or only one codec's part when --codec is given. */
function onlyCodec(rec: Recommendation, codec?: string): Recommendation {
  if (codec === undefined) return rec;
  const ctx = exportContext(rec, codec);
  return {
    ...rec,
    codecs: [ctx.codec],
    warnings: rec.warnings.filter((w) => w.codec === undefined || w.codec === ctx.codec.codec),
  };
}

/** The text of one export. json and csv cover every codec; the others need one (--codec). */
export function renderExport(
  rec: Recommendation,
  format: ExportFormat,
  codec?: string,
  options: ExportOptions = {},
): string {
  switch (format) {
    case 'json':
      return renderRecommendationJson(onlyCodec(rec, codec));
    case 'csv':
      return renderRecommendationCsv(onlyCodec(rec, codec));
    case 'encodings':
      return renderEncodings(exportContext(rec, codec));
    case 'mediasoup':
      return renderMediasoup(exportContext(rec, codec));
    case 'livekit':
      return renderLiveKit(exportContext(rec, codec));
    case 'jitsi':
      return renderJitsi(exportContext(rec, codec), options);
    case 'janus':
      return renderJanus(exportContext(rec, codec));
  }
}

/** What the SFU/SDK of this format does differently from the measurement (none for json/csv/encodings). */
export function renderExportWarnings(
  rec: Recommendation,
  format: ExportFormat,
  codec?: string,
  options: ExportOptions = {},
): ExportWarning[] {
  if (format === 'json' || format === 'csv' || format === 'encodings') return [];
  return exportWarnings(exportContext(rec, codec), format, options);
}
