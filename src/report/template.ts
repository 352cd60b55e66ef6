// The report's HTML skeleton: one file with uPlot, the styles, the page script and the chart data
// inlined, and a Content-Security-Policy that forbids every network request (the report must open
// from disk, offline, and never call out).
import { escapeJsonForScript, inlineScript } from './inline.js';
import { esc } from './html.js';
import type { ChartSpec, ReportPageData } from './page/ReportTypes.js';
import { reportPageScript } from './pageScript.js';
import { PAGE_STYLE } from './pageStyle.js';
import type { UplotAssets } from './uplotAssets.js';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function chartFigure(spec: ChartSpec): string {
  return `<figure class="chart-box${spec.half ? ' half' : ''}">
<figcaption><b>${esc(spec.title)}</b>${spec.note ? `<p>${esc(spec.note)}</p>` : ''}</figcaption>
<div class="chart-controls"></div>
<div class="chart" data-chart="${esc(spec.id)}"></div>
</figure>`;
}

export interface PageParts {
  title: string;
  header: string;
  nav: string;
  body: string;
  footer: string;
  data: ReportPageData;
  uplot: UplotAssets;
}

export function renderPage(parts: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="simq">
<title>${esc(parts.title)}</title>
<style>
/* uPlot ${esc(parts.uplot.version)} stylesheet (MIT, see the licence in the script below) */
${parts.uplot.css}
</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
${parts.header}
${parts.nav}
<main>
${parts.body}
</main>
<footer>${parts.footer}</footer>
<script type="application/json" id="simq-data">${escapeJsonForScript(parts.data)}</script>
<script>
/*! uPlot ${parts.uplot.version} (https://github.com/leeoniya/uPlot), bundled into this report by simq.
${parts.uplot.license}
*/
${inlineScript(parts.uplot.js)}
</script>
<script type="module">${inlineScript(reportPageScript())}</script>
</body>
</html>
`;
}
