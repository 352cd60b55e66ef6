// The report's temporal operating points (measure --temporal-layers): per viewer size, every
// (layer, temporal layer) pair an SFU can forward with its frame rate, bitrate and score, the pairs
// on the quality-vs-kbps envelope marked: where "f at 15 fps" beats "h at 30 fps", it shows.
import { viewerOperatingPoints, type OperatingPointRow } from '../measure/operatingPoints.js';
import { esc, num, ridBadge, table } from './html.js';

/** The section's text, then `chartsHtml` (the quality-vs-kbps charts of the same points), then a table per viewer. */
export function renderOperatingPoints(
  rows: readonly OperatingPointRow[],
  colors: Record<string, string>,
  metricName: string,
  chartsHtml = '',
): string | undefined {
  const viewers = viewerOperatingPoints(rows);
  if (viewers.length === 0) return undefined;
  const parts = viewers.map((v) => {
    const best = new Set(v.points);
    const body = v.all.map((p) => [
      best.has(p) ? '★' : '',
      ridBadge(p.rid, colors),
      esc(p.layer),
      `T${p.temporalLayer}`,
      num(p.fps, 1),
      num(p.kbps, 0),
      num(p.vmaf ?? p.psnrY, metricName === 'VMAF' ? 1 : 2),
      esc(p.scenarioId),
    ]);
    return `<h4>viewer ${esc(v.size)} (${esc(v.codec.toUpperCase())})</h4>${table(
      ['best for its kbps', 'rid', 'layer', 'temporal layer', 'fps', 'kbps', metricName, 'scenario'],
      body,
      {
        cls: 'compact',
        numeric: [false, false, false, false, true, true, true, false],
      },
    )}`;
  });
  return `<p>Each row is a (spatial, temporal) operating point an SFU can forward: the layer's frames with temporal index up to T (T0 the base rate), the last forwarded picture staying on screen in between. kbps is the sum of the forwarded frames' bytes over the steady window. ★: no cheaper point scores higher (the upper envelope of quality vs kbps).</p>\n${chartsHtml}\n${parts.join('\n')}`;
}
