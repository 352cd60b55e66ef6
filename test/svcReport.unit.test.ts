// The report's simulcast-vs-SVC section from the hand-made VP9 run (test/fixtures/recommend/handmadeSvc.ts),
// no browser: the charts carry, per viewer size, the numbers of the fixture (written out below from its
// SVC_SPECS, not read from simq's output), and every text from the run is escaped in the HTML.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { svcVersusSimulcastCharts } from '../src/report/charts/svcVersusSimulcast.js';
import { chooseQualityMetric } from '../src/report/reportMetric.js';
import { renderSvcVersusSimulcast } from '../src/report/svcVersusSimulcastHtml.js';
import { handmadeSvcRows, handmadeSvcRun } from './fixtures/recommend/handmadeSvc.js';

const rows = handmadeSvcRows();
const rec = recommend(buildQualityTable(handmadeSvcRun(), rows), { runDir: 'x', simqVersion: 't', now: new Date(0) });
const modes = rec.codecs[0].svcVersusSimulcast!;
const metric = chooseQualityMetric(rows);
const validateRecommendation = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8')),
);

describe('report: simulcast vs SVC', () => {
  it('quality per viewer size: simulcast q/h/f 78/83/86, SVC S0/S1/S2 80/85/88 (the layer of each size, which the SFU forwards)', () => {
    const [quality] = svcVersusSimulcastCharts(modes, metric);
    const view = quality.views[0];
    expect(view.x).toEqual([180, 360, 720]);
    expect(view.series.map((s) => [s.label, s.values])).toEqual([
      ['simulcast', [78, 83, 86]],
      ['SVC', [80, 85, 88]],
    ]);
    expect(view.labels!.map((l) => l.text)).toEqual(['q', 'f-S0', 'h', 'f-S1', 'f', 'f-S2']);
  });
  it('bits per viewer size: SFU downlink 140/400/1500 vs 150/420/1300 kbps; uploads 2040 vs 1870 kbps as guide lines', () => {
    const [, bits] = svcVersusSimulcastCharts(modes, metric);
    expect(bits.views[0].series.map((s) => [s.label, s.values])).toEqual([
      ['simulcast: SFU to viewer', [140, 400, 1500]],
      ['SVC: SFU to viewer', [150, 420, 1300]],
      ['simulcast: sender upload', [2040, 2040, 2040]],
      ['SVC: sender upload', [1870, 1870, 1870]],
    ]);
    // (1870 - 2040) / 2040 = -8.3 %, within 10 %: a winner per size.
    expect(bits.views[0].series.every((s) => s.values.every((v) => v !== null))).toBe(true);
  });
  it('the table names the winner per size and escapes text from the run', () => {
    const html = renderSvcVersusSimulcast(modes, 'VMAF', '')!;
    expect(html.match(/<b>SVC<\/b> by 2/g)).toHaveLength(3);
    expect(html).toContain('-8.3 %');
    const hostile = modes.map((r) => ({
      ...r,
      size: '<img src=x onerror=alert(1)>',
      svc: { ...r.svc!, forwarded: { ...r.svc!.forwarded, scenarioId: '</td><script>alert(1)</script>' } },
    }));
    const out = renderSvcVersusSimulcast(hostile, 'VMAF', '')!;
    expect(out).not.toMatch(/<script>|<img/);
    expect(out).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('recommendation.json: the rows are schema-valid, and a row in another shape (the old "candidate" key) is not', () => {
    const doc = JSON.parse(JSON.stringify(rec));
    expect(validateRecommendation(doc)).toBe(true);
    expect(doc.codecs[0].svcVersusSimulcast[0].simulcast.forwarded.rid).toBe('q');
    const bad = JSON.parse(JSON.stringify(rec));
    const row = bad.codecs[0].svcVersusSimulcast[0];
    row.simulcast = { candidate: row.simulcast.forwarded, uploadKbps: row.simulcast.uploadKbps };
    expect(validateRecommendation(bad)).toBe(false);
  });
});
