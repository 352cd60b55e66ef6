// Assembles report.html from a run directory's contents: the header, then per scenario the bitrate
// timeline, the quality-vs-bitrate charts per codec and viewer size, the temporal operating points
// (chart and table per viewer size), per-frame quality per scenario, quality.csv as a table and the
// recommendation. Pure: no file is written here.
import type { RunRecord } from '../rundir/RunTypes.js';
import { isViewerRid, type ParsedQualityRow } from '../rundir/CsvTypes.js';
import type { Recommendation } from '../recommend/RecommendationTypes.js';
import type { PictureRow } from '../rundir/CsvTypes.js';
import { bitrateTimelineChart } from './charts/bitrateTimeline.js';
import { frameQualityChart } from './charts/frameQuality.js';
import { operatingPointCharts } from './charts/operatingPoints.js';
import { qualityVsBitrateCharts } from './charts/qualityVsBitrate.js';
import { svcVersusSimulcastCharts } from './charts/svcVersusSimulcast.js';
import { renderSvcVersusSimulcast } from './svcVersusSimulcastHtml.js';
import { ridColors } from './colors.js';
import { renderHeader } from './header.js';
import { esc, ridBadge } from './html.js';
import type { ReportInputs } from './loadReportInputs.js';
import { renderRecommendation } from './recommendationHtml.js';
import { renderOperatingPoints } from './operatingPointsHtml.js';
import { renderViewers } from './viewersHtml.js';
import { layerStateStrip } from './layerStateStrip.js';
import { chooseFrameMetric, chooseQualityMetric } from './reportMetric.js';
import type { ChartSpec } from './page/ReportTypes.js';
import { runRids } from './scenarioLabels.js';
import { qualityTable, steadyStateTable } from './tables.js';
import { browserComparison, firefoxSettingAdvice, type ComparisonRow } from '../recommend/browserComparison.js';
import { chartFigure, renderPage } from './template.js';
import type { UplotAssets } from './uplotAssets.js';

export interface BuiltReport {
  html: string;
  charts: ChartSpec[];
}

export function buildReport(allInputs: ReportInputs, uplot: UplotAssets, generatedAt: Date = new Date()): BuiltReport {
  // Charts and the quality table show the layers as sent; temporal operating points have their own section.
  // SFU viewers (rid "viewer:<name>") have their own section too.
  const temporalRows = allInputs.quality?.filter((r) => r.temporal_layer !== undefined) ?? [];
  const inputs = {
    ...allInputs,
    quality: allInputs.quality?.filter((r) => r.temporal_layer === undefined && !isViewerRid(r.rid)),
    frames: allInputs.frames?.filter((r) => !isViewerRid(r.rid)),
  };
  const { run } = inputs;
  // The page's script finds each chart by id; ids come from scenario ids, unique within a run.
  const rids = runRids(run);
  const colors = ridColors(rids);
  const scenarios = new Map(run.scenarios.map((s) => [s.id, s]));
  const charts: ChartSpec[] = [];
  const sections: { id: string; title: string; html: string }[] = [];

  // 1. Bitrate timelines.
  const timelineParts: string[] = [];
  for (const s of run.scenarios) {
    const rows = inputs.stats.get(s.id);
    const chart = rows ? bitrateTimelineChart(s, rows, colors) : undefined;
    if (chart) charts.push(chart);
    timelineParts.push(`<h3 id="s-${esc(s.id)}">${esc(s.id)} <span class="status status-${esc(s.status)}">${esc(s.status)}</span></h3>
${chart ? chartFigure(chart) : '<p class="dim">No stats.csv for this scenario.</p>'}
${rows ? layerStateStrip(s, rows, colors) : ''}
<p class="dim">Steady state per layer (bitrates in kbps; plan target: simq plan's prediction, ⚑ outside its tolerance).</p>
<div class="scroll">${steadyStateTable(s, colors)}</div>`);
  }
  sections.push({
    id: 'timelines',
    title: 'Bitrate per layer over time',
    html: `<p>What Chrome's simulcast allocator gave each layer (target) and what the encoder sent (actual), per scenario. A lower layer is held at its target while a higher layer is on; only the top layer climbs to its max. Steady state (after the warm-up) is what the tables and quality scores use.</p>
${timelineParts.join('\n')}`,
  });

  // 2. Quality vs bitrate.
  const qualityMetric = inputs.quality ? chooseQualityMetric(inputs.quality) : undefined;
  if (inputs.quality && qualityMetric) {
    const fallback = qualityMetric.fallback
      ? '<p class="warn"><b>No VMAF scores in this run (VMAF was off or unavailable): PSNR-Y is shown instead.</b></p>'
      : '';
    const byCodec = new Map<string, ChartSpec[]>();
    // A study: one set of charts per clip (curves of different content are not one curve).
    for (const part of clipParts(run, inputs.quality, inputs.recommendation)) {
      const qCharts = qualityVsBitrateCharts(part.rows, run, qualityMetric, colors, part.recommendation).map((c) =>
        part.clipId === undefined ? c : { ...c, id: `${c.id}-${part.index}`, title: `${part.clipId}: ${c.title}` },
      );
      charts.push(...qCharts);
      for (const c of qCharts) {
        const codec = c.id.split('-')[1].toUpperCase();
        const key = part.clipId === undefined ? codec : `${part.clipId} – ${codec}`;
        byCodec.set(key, [...(byCodec.get(key) ?? []), c]);
      }
    }
    const html = [...byCodec]
      .map(([key, list]) => `<h3>${esc(key)}</h3><div class="half-grid">${list.map(chartFigure).join('\n')}</div>`)
      .join('\n');
    sections.push({
      id: 'quality',
      title: `${qualityMetric.name} vs bitrate per layer and viewer size`,
      html: `${fallback}<p>Each point is one layer of one scenario, scored over the steady state. At a viewer size, compare the colours: does a larger layer scaled down beat the layer made for that size, and at what cost in bits? The dashed black line is the upper envelope: the best quality measured for a given number of kbps.</p>\n${html}`,
    });
  }

  // 2b. Temporal operating points.
  const opCharts = qualityMetric ? operatingPointCharts(temporalRows, qualityMetric, colors, rids) : [];
  charts.push(...opCharts);
  const opChartsHtml = opCharts.length ? `<div class="half-grid">${opCharts.map(chartFigure).join('\n')}</div>` : '';
  const operatingPoints = qualityMetric
    ? renderOperatingPoints(temporalRows, colors, qualityMetric.name, opChartsHtml)
    : undefined;
  if (operatingPoints)
    sections.push({
      id: 'operating-points',
      title: '(spatial, temporal) operating points per viewer size',
      html: operatingPoints,
    });

  // 3. Per-frame quality.
  if (inputs.frames && inputs.frames.length) {
    const frameMetric = chooseFrameMetric(inputs.frames);
    const byScenario = new Map<string, PictureRow[]>();
    for (const r of inputs.frames) byScenario.set(r.scenario_id, [...(byScenario.get(r.scenario_id) ?? []), r]);
    const parts: string[] = [];
    for (const s of run.scenarios) {
      const rows = byScenario.get(s.id);
      const chart = rows ? frameQualityChart(s, rows, frameMetric, colors) : undefined;
      if (!chart) continue;
      charts.push(chart);
      parts.push(chartFigure(chart));
    }
    if (parts.length) {
      sections.push({
        id: 'frames',
        title: `${frameMetric.name} per picture over time`,
        html: `${frameMetric.fallback ? '<p class="warn"><b>No per-frame VMAF: PSNR-Y is shown instead.</b></p>' : ''}<p>Dips show where the encoder struggled (scene changes, key frames, rate-control reactions); crosses are frozen pictures. Pick another render size above a chart to see the layers as a viewer of that size would.</p>\n${parts.join('\n')}`,
      });
    }
  }

  // 4. quality.csv.
  if (inputs.quality) {
    sections.push({
      id: 'table',
      title: 'Quality table (quality.csv)',
      html: `<p>One row per scenario, layer and render size ("native" = the layer's own size). Click a column header to sort.</p><div class="scroll">${qualityTable(inputs.quality, scenarios, colors)}</div>`,
    });
  }

  // 5. Recommendation.
  if (inputs.recommendation) {
    sections.push({
      id: 'recommendation',
      title: 'Recommendation (recommendation.json)',
      html: renderRecommendation(inputs.recommendation, colors),
    });
  }

  // 5b. Simulcast against SVC (runs that measured both for a codec).
  const modes = inputs.recommendation?.codecs.flatMap((c) => c.svcVersusSimulcast ?? []) ?? [];
  if (modes.length && qualityMetric) {
    const svcCharts = svcVersusSimulcastCharts(modes, qualityMetric);
    charts.push(...svcCharts);
    const html = renderSvcVersusSimulcast(
      modes,
      qualityMetric.name,
      svcCharts.length ? `<div class="half-grid">${svcCharts.map(chartFigure).join('\n')}</div>` : '',
    );
    if (html) sections.push({ id: 'svc-vs-simulcast', title: 'Simulcast or SVC, per viewer size', html });
  }

  // 6. Browsers side by side (runs with Firefox only).
  const comparison = inputs.quality ? browserComparison(run, inputs.quality) : [];
  if (comparison.length)
    sections.push({
      id: 'browsers',
      title: 'Chromium and Firefox side by side',
      html: browserComparisonHtml(comparison, firefoxSettingAdvice(run)),
    });

  // 7. SFU viewers.
  const viewers = inputs.measure?.viewers ?? [];
  if (viewers.length)
    sections.push({ id: 'viewers', title: 'What each viewer displayed (SFU)', html: renderViewers(viewers, colors) });

  // The answer first, then the evidence, then the raw table.
  const ORDER = [
    'recommendation',
    'svc-vs-simulcast',
    'browsers',
    'viewers',
    'quality',
    'operating-points',
    'timelines',
    'frames',
    'table',
  ];
  sections.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const key = `<p class="key">Layer colours: ${rids.map((r) => ridBadge(r, colors)).join(' ')} <span class="dim">(the same in every chart and table)</span></p>`;
  const header = renderHeader(inputs, qualityMetric, generatedAt).replace('</header>', `${key}\n</header>`);
  const nav = `<nav>${sections.map((s, i) => `<a href="#${s.id}">${i + 1}. ${esc(s.title)}</a>`).join('')}</nav>`;
  const body = sections
    .map((s, i) => `<section id="${s.id}"><h2>${i + 1}. ${esc(s.title)}</h2>\n${s.html}\n</section>`)
    .join('\n');
  const footer = `Made by simq ${esc(run.environment.simq)} from ${esc(inputs.runDir)}. Charts: uPlot ${esc(uplot.version)} (MIT), inlined; this file makes no network requests.`;
  const html = renderPage({ title: `simq report ${run.runId}`, header, nav, body, footer, data: { charts }, uplot });
  return { html, charts };
}

/** The same layer and viewer size of both browsers in one row; Firefox's numbers that are derived say so. */
function browserComparisonHtml(rows: readonly ComparisonRow[], advice: readonly string[]): string {
  const n = (v: number | undefined, d = 0) => (v === undefined ? '-' : esc(v.toFixed(d)));
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.scenario)}</td><td>${esc(r.rid)}</td><td>${esc(r.layer)}</td><td>${esc(r.size)}</td><td class="num">${n(r.chromium?.kbps)}</td><td class="num">${n(r.firefox?.kbps)}</td><td class="num">${n(r.chromium?.vmaf, 1)}</td><td class="num">${n(r.firefox?.vmaf, 1)}</td><td class="num">${n(r.chromium?.psnrY, 2)}</td><td class="num">${n(r.firefox?.psnrY, 2)}</td><td class="num">${n(r.chromium?.fps, 1)}</td><td class="num">${n(r.firefox?.fps, 1)}</td></tr>`,
    )
    .join('\n');
  return `<p>Same clip, same scenarios, one row per layer and viewer size. Chromium's kbps is its reported steady target; <b>Firefox reports no target: its kbps is what it sent (bytes), and its allocation below is derived from gecko's table</b> (VideoStreamFactory.cpp; <code>simq plan --browser firefox</code>).</p>
<div class="scroll"><table><thead><tr><th>scenario</th><th>rid</th><th>layer</th><th>size</th><th>Chromium kbps (target)</th><th>Firefox kbps (sent)</th><th>Chromium VMAF</th><th>Firefox VMAF</th><th>Chromium PSNR-Y</th><th>Firefox PSNR-Y</th><th>Chromium fps</th><th>Firefox fps</th></tr></thead><tbody>
${body}
</tbody></table></div>
${advice.length ? `<h3>What to set in Firefox</h3><ul>${advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : ''}`;
}

/** The quality rows (and recommendation) per clip of a study; one part for a run of one clip. */
function clipParts(
  run: RunRecord,
  rows: ParsedQualityRow[],
  recommendation: Recommendation | undefined,
): { clipId?: string; index: number; rows: ParsedQualityRow[]; recommendation?: Recommendation }[] {
  const clips = run.clips.filter((c) => run.scenarios.some((s) => s.clipId === c.id));
  if (clips.length <= 1) return [{ index: 0, rows, recommendation }];
  return clips.map((c, index) => {
    const ids = new Set(run.scenarios.filter((s) => s.clipId === c.id).map((s) => s.id));
    const own = recommendation?.study?.perClip.find((p) => p.clipId === c.id)?.recommendation;
    return { clipId: c.id, index, rows: rows.filter((r) => ids.has(r.scenario_id)), recommendation: own };
  });
}
