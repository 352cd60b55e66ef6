// The report's stylesheet (inlined next to uPlot's own): readable tables and a print-friendly layout.
export const PAGE_STYLE = `
:root { --fg: #1b1b1b; --dim: #6b6b6b; --line: #dedede; --bg-soft: #f6f7f9; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; background: #fff; }
main, header, nav { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 10px; }
h1 .runid { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
h2 { font-size: 19px; margin: 34px 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 16px 0 6px; color: #333; }
p { margin: 6px 0; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); padding: 8px 10px; overflow: auto; max-height: 260px; }
.dim { color: var(--dim); }
.ok { color: #1a7f37; }
.warn, .flag { color: #b35900; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--dim); }
dl.facts dd { margin: 0; }
.checks { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 10px 24px; margin: 8px 0 0; align-items: start; }
.checks section { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 2px 12px 8px; }
.checks h3 { margin: 8px 0 4px; font-size: 14px; }
ul.issues { margin: 4px 0; padding-left: 18px; }
ul.issues li { margin: 2px 0; }
.kind { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; background: #eee; padding: 0 4px; border-radius: 3px; }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; vertical-align: middle; color: #fff; background: #777; }
.status-complete { background: #1a7f37; }
.status-degraded { background: #b35900; }
.status-incomplete, .status-running { background: #b42318; }
.rid { display: inline-block; min-width: 18px; padding: 0 5px; border-radius: 3px; color: #fff; font-weight: 600; text-align: center; font-size: 12px; }
.key { margin: 10px 0 0; }
.key .rid { margin-right: 4px; }
nav { margin-top: 12px; font-size: 13px; }
nav a { margin-right: 14px; color: #0b5cad; text-decoration: none; }
figure { margin: 14px 0 6px; }
figcaption b { font-size: 14px; }
figcaption p { color: var(--dim); font-size: 12.5px; margin: 2px 0 4px; }
.chart-controls { font-size: 12.5px; min-height: 2px; }
.chart-controls select { font: inherit; margin-left: 4px; }
.chart { width: 100%; }
.half-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 24px; }
@media (max-width: 900px) { .half-grid { grid-template-columns: 1fr; } }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
table.compact td { white-space: nowrap; }
table.compact td.wrap { white-space: normal; min-width: 320px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; }
table.sortable th:hover { background: #e9edf3; }
table.grid td { text-align: center; }
.scroll { overflow-x: auto; }
table.layer-states { font-size: 11px; }
table.layer-states th, table.layer-states td { padding: 1px 3px; border-bottom: 1px solid #fff; }
.ls { display: inline-block; min-width: 14px; text-align: center; }
td.ls { display: table-cell; color: #222; }
.ls-none { background: #b7e1c1; }
.ls-bandwidth { background: #f6c177; }
.ls-cpu { background: #f09a9a; }
.ls-other { background: #d7c3ea; }
.ls-off { background: #d0d0d0; }
.ls-unknown { background: #fff; }
details { margin: 12px 0; }
footer { max-width: 1240px; margin: 40px auto 20px; padding: 0 20px; color: var(--dim); font-size: 12px; }
.u-legend { font-size: 12px; }
.u-legend .u-marker { width: 14px; height: 4px; }
`;
