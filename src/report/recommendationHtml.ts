// recommendation.json in readable form: the maxBitrate advice per layer, the encodings to paste,
// the best and the cheapest-good-enough layer per viewer size, the SFU layer-selection table with its
// switching thresholds, and the warnings. Only drawn when `simq recommend` has run.
import type { CodecRecommendation, LayerCandidate, Recommendation } from '../recommend/RecommendationTypes.js';
import { esc, num, ridBadge, table } from './html.js';

function candidate(c: LayerCandidate, unit: string, colors: Record<string, string>): string {
  return `${ridBadge(c.rid, colors)} ${esc(c.layer)} – ${num(c.score, 1)} ${esc(unit)} at ${num(c.kbps, 0)} kbps <span class="dim">(${esc(c.scenarioId)})</span>`;
}

function codecSection(c: CodecRecommendation, rec: Recommendation, colors: Record<string, string>): string {
  const unit = rec.settings.metric.unit;
  const sender = c.senderScenario
    ? `<p>Sender: <b>${esc(c.senderScenario.id)}</b> – ${esc(c.senderScenario.reason)}.</p>`
    : '<p class="warn">No measured scenario could stand for what the app sends: no layer-selection table.</p>';

  const advice = table(
    ['rid', 'layer', 'role', 'rule', 'wanted kbps', 'maxBitrate kbps', `expected ${unit}`, 'why'],
    c.layers.map((l) => {
      const a = l.advice;
      return [
        ridBadge(l.rid, colors),
        esc(l.layer),
        esc(a?.role ?? l.role ?? '–'),
        esc(a?.rule ?? 'no native score'),
        num(a?.wantedKbps, 0),
        a ? `<b>${num(a.maxBitrate / 1000, 0)}</b>` : '–',
        num(a?.expectedScore, 1),
        (a?.explanation ?? []).map(esc).join('<br>'),
      ];
    }),
    {
      cls: 'compact',
      numeric: [false, false, false, false, true, true, true, false],
      wrap: [false, false, false, false, false, false, false, true],
    },
  );

  const viewers = table(
    ['viewer size', `best ${unit}`, `cheapest within ${rec.settings.tolerance} ${unit}`],
    c.viewerSizes.map((v) => [
      esc(v.size),
      candidate(v.best, unit, colors),
      v.cheapest.rid === v.best.rid && v.cheapest.scenarioId === v.best.scenarioId
        ? 'same'
        : candidate(v.cheapest, unit, colors),
    ]),
    { cls: 'compact' },
  );

  const sel = c.layerSelection;
  let selection = '';
  if (sel.layers.length) {
    const grid = table(
      ['viewer size', ...sel.bandwidthsKbps.map((b) => `${b} kbps`)],
      sel.sizes.map((size) => [
        esc(size),
        ...sel.bandwidthsKbps.map((b) => {
          const cell = sel.table.find((t) => t.size === size && t.bandwidthKbps === b);
          if (!cell || cell.rid === null) return '<span class="dim">nothing fits</span>';
          const cheaper = cell.cheaper
            ? `<br><span class="dim">or ${esc(cell.cheaper.rid)} ${num(cell.cheaper.kbps, 0)} kbps</span>`
            : '';
          // With temporal operating points measured, the cell names the temporal layer (and its fps below the top).
          const temporal =
            cell.temporalLayer === undefined
              ? ''
              : ` T${cell.temporalLayer}${cell.fps === undefined ? '' : ` <span class="dim">${num(cell.fps, 1)} fps</span>`}`;
          return `${ridBadge(cell.rid, colors)}${temporal} ${num(cell.score, 1)}${cheaper}`;
        }),
      ]),
      { cls: 'compact grid' },
    );
    const thresholds = table(
      ['rid', 'layer', 'spatial layer', 'temporal layer', 'kbps', 'switch down below kbps', 'switch up at kbps'],
      sel.layers.map((l) => [
        ridBadge(l.rid, colors),
        esc(l.layer),
        String(l.spatialLayer),
        String(l.temporalLayer),
        num(l.kbps, 0),
        num(l.downSwitchKbps, 0),
        num(l.upSwitchKbps, 0),
      ]),
      { cls: 'compact', numeric: [false, false, true, true, true, true, true] },
    );
    selection = `<h4>SFU layer selection: layer to forward per viewer size (rows) and available bandwidth (columns), with its ${esc(unit)}</h4>${grid}
<h4>Switching thresholds (hysteresis)</h4>${thresholds}`;
  }
  return `<section class="codec">
<h3>${esc(c.codec.toUpperCase())}</h3>
${sender}
<h4>maxBitrate per layer</h4>${advice}
<h4>Encodings to send (sendEncodings / produce({encodings}))</h4>
<pre>${esc(`[\n${c.recommendedEncodings.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]`)}</pre>
<h4>Which layer for which viewer</h4>${viewers}
${selection}
</section>`;
}

export function renderRecommendation(rec: Recommendation, colors: Record<string, string>): string {
  const s = rec.settings;
  const metric = s.metric.fallback ? `PSNR-Y (VMAF missing${s.metric.reason ? `: ${s.metric.reason}` : ''})` : 'VMAF';
  const settings = `Decision metric ${esc(metric)}, target ${num(s.targetScore, 1)} ${esc(s.metric.unit)} at native size; headroom ${Math.round(s.headroom * 100)} %, hysteresis ${Math.round(s.hysteresis * 100)} %${s.senderScenario ? `, sender scenario ${esc(s.senderScenario)}` : ''}. Computed ${esc(rec.provenance.generatedAt)} by simq ${esc(rec.provenance.simqVersion)}.`;
  const warnings = rec.warnings.length
    ? `<h3>Warnings</h3><ul class="issues">${rec.warnings.map((w) => `<li><span class="kind">${esc(w.kind)}</span> ${esc(w.message)}</li>`).join('')}</ul>`
    : '<p class="ok">No warnings.</p>';
  const rules = Object.entries(rec.rules)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  return `<p>${settings}</p>
${warnings}
${rec.codecs.map((c) => codecSection(c, rec, colors)).join('\n')}
<details><summary>Rules used</summary><dl class="facts">${rules}</dl></details>`;
}
