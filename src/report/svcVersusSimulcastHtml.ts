// The report's simulcast-vs-SVC section: what it compares, the two charts per codec, and the table of
// recommendation.json svcVersusSimulcast (every text from the run escaped).
import type { SvcVersusSimulcastRow } from '../recommend/RecommendationTypes.js';
import { UPLOAD_TOLERANCE } from '../recommend/svcVersusSimulcast.js';
import { esc, num, table } from './html.js';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${v > 0 ? '+' : ''}${num(v * 100, 1)} %`);

export function renderSvcVersusSimulcast(
  rows: readonly SvcVersusSimulcastRow[],
  metricName: string,
  chartsHtml: string,
): string | undefined {
  if (rows.length === 0) return undefined;
  const body = rows.map((r) => [
    esc(r.codec.toUpperCase()),
    esc(r.size),
    r.simulcast
      ? `${esc(r.simulcast.forwarded.rid)} <span class="dim">${esc(r.simulcast.forwarded.scenarioId)}</span>`
      : '–',
    num(r.simulcast?.forwarded.score, 1),
    num(r.simulcast?.forwarded.kbps, 0),
    num(r.simulcast?.uploadKbps, 0),
    r.svc ? `${esc(r.svc.forwarded.rid)} <span class="dim">${esc(r.svc.forwarded.scenarioId)}</span>` : '–',
    num(r.svc?.forwarded.score, 1),
    num(r.svc?.forwarded.kbps, 0),
    num(r.svc?.uploadKbps, 0),
    pct(r.uploadDifference),
    r.better
      ? `<b>${esc(r.better === 'svc' ? 'SVC' : 'simulcast')}</b> by ${num(r.by, 2)}`
      : r.sameUpload === false
        ? '<span class="warn">uploads differ</span>'
        : '–',
  ]);
  return `<p>The simulcast scenario and the SVC scenario whose total uploads are closest, compared per viewer size: the layer (simulcast) and the operating point (SVC) an SFU forwards to a viewer of that size (the smallest whose own size covers the viewer), the ${esc(metricName)} each delivers at that size, what the SFU sends that viewer, and what the sender uploads. A winner is named only when the uploads are within ${num(UPLOAD_TOLERANCE * 100, 0)} % of each other.</p>
${chartsHtml}
${table(
  [
    'codec',
    'viewer',
    'simulcast layer forwarded',
    metricName,
    'kbps to viewer',
    'upload kbps',
    'SVC point forwarded',
    metricName,
    'kbps to viewer',
    'upload kbps',
    'SVC upload vs simulcast',
    'better',
  ],
  body,
  {
    cls: 'compact',
    numeric: [false, false, false, true, true, true, false, true, true, true, true, false],
  },
)}`;
}
