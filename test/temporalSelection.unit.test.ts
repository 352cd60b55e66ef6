// The SFU table over (spatial, temporal) on the hand-made run (test/fixtures/recommend/handmade.ts)
// plus hand-made temporal operating point rows. Every answer below is worked out by hand from the
// rules in docs/recommend.md (fit = kbps x 1.15, up-switch = fit x 1.2, best score wins, ties: cheaper).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderExport } from '../src/recommend/exports/formats.js';
import { renderRecommendationSummary } from '../src/recommend/summary.js';
import { buildQualityTable, type ParsedQualityRow } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { CodecRecommendation, Recommendation } from '../src/recommend/RecommendationTypes.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';

/** Share of the layer's frame bytes per temporal level (the camera sample's 38 / 60 / 100 %) and fps. */
const SHARE = [0.38, 0.6, 1];
const FPS = [7.5, 15, 30];

/** The sender's rows again as temporal operating points, scored by score(rid, size, level, full score). */
function temporalRows(score: (rid: string, size: string, level: number, full: number) => number): ParsedQualityRow[] {
  const out: ParsedQualityRow[] = [];
  for (const r of handmadeParsedRows().filter((x) => x.scenario_id === 'all-layers.vp8')) {
    for (const level of [0, 1, 2]) {
      const vmaf = score(r.rid, r.size, level, r.vmaf_mean!);
      out.push({
        ...r,
        temporal_layer: level,
        op_fps: FPS[level],
        op_kbps: 1000 * SHARE[level],
        vmaf_mean: vmaf,
        psnr_y_mean: 20 + vmaf / 5,
      });
    }
  }
  return out;
}

function recommendWith(rows: ParsedQualityRow[], minFps?: number): Recommendation {
  const table = buildQualityTable(handmadeRun(), [...handmadeParsedRows(), ...rows]);
  return recommend(table, {
    runDir: 'results/handmade',
    simqVersion: '0.1.0-test',
    now: new Date('2025-01-02T00:00:00.000Z'),
    minFps,
  });
}

const vp8 = (rec: Recommendation): CodecRecommendation => rec.codecs.find((c) => c.codec === 'vp8')!;
const cell = (rec: Recommendation, size: string, b: number) =>
  vp8(rec).layerSelection.table.find((t) => t.size === size && t.bandwidthKbps === b)!;
const schema = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8')),
);

// Moving content at 640x360: h 55 / 63 / 70 and f 60 / 80 / 88 at levels 0 / 1 / 2 (the level-2
// scores are the handmade layers' own); other sizes lose 10 per level below the top.
const moving = temporalRows((rid, size, level, full) => {
  if (size === '640x360' && rid === 'h') return [55, 63, 70][level];
  if (size === '640x360' && rid === 'f') return [60, 80, 88][level];
  return full - 10 * (2 - level);
});

describe('SFU table over spatial and temporal layers (moving content)', () => {
  const rec = recommendWith(moving);

  it("prices each level from the layer's bitrate and its share of the frame bytes", () => {
    // f: 2400 kbps actual. T0: 2400 x 0.38 = 912, fit 912 x 1.15 = 1048.8, up 1048.8 x 1.2 = 1258.56.
    // T1: 2400 x 0.6 = 1440, fit 1656, up 1987.2.
    const points = vp8(rec).layerSelection.temporalPoints!;
    expect(
      points
        .filter((p) => p.rid === 'f')
        .map((p) => [p.temporalLayer, p.fps, p.kbps, p.requiredKbps, p.upSwitchKbps, p.spatialLayer]),
    ).toEqual([
      [0, 7.5, 912, 1048.8, 1258.6, 2],
      [1, 15, 1440, 1656, 1987.2, 2],
    ]);
    // The top level is the layer itself: not repeated among the temporal points.
    expect(points.some((p) => p.temporalLayer === 2)).toBe(false);
  });

  it('f at 15 fps wins 640x360 at 2500 kbps, where the whole-layer table forwards h', () => {
    // At 2500 kbps: f T2 needs 2760 (no); f T1 needs 1656 (fits, 80) > h T2 70 > f T0 60.
    expect(cell(rec, '640x360', 2500)).toMatchObject({
      rid: 'f',
      temporalLayer: 1,
      fps: 15,
      kbps: 1440,
      requiredKbps: 1656,
      score: 80,
    });
    // At 1500: f T1 does not fit; h T2 (563.5, 70) beats f T0 (1048.8, 60).
    expect(cell(rec, '640x360', 1500)).toMatchObject({ rid: 'h', temporalLayer: 2, score: 70 });
    // At 4000 everything fits: f T2, 88.
    expect(cell(rec, '640x360', 4000)).toMatchObject({ rid: 'f', temporalLayer: 2, score: 88 });
    expect(schema(JSON.parse(JSON.stringify(rec)))).toBe(true);

    // The terminal table names the pair: the 640x360 row, buckets 150 .. 4000. q at 640x360 scores
    // 20 / 30 / 40 (40 - 10 per level below the top). 150: q T0 (fit 64.7, 20), q T1 (fit 102, 30) -> q T1.
    // 300: h T0 (fit 214.1, 55) beats q T2 (40). 600: h T2 (563.5, 70). 1000, 1500: h T2 (f T0 is 60).
    const text = renderRecommendationSummary(rec);
    expect(text).toMatch(/640x360\s+q T1\s+h T0\s+h T2\s+h T2\s+h T2\s+f T1\s+f T2\n/);
    expect(text).toMatch(/f T1\s+1280x720\s+2\s+1440\s+1656\s+1987/);
  });

  it('--min-fps 20 leaves out the 7.5 and 15 fps points: h again at 2500 kbps', () => {
    const r = recommendWith(moving, 20);
    expect(r.settings.minFps).toBe(20);
    expect(cell(r, '640x360', 2500)).toMatchObject({ rid: 'h', temporalLayer: 2, score: 70 });
    expect(schema(JSON.parse(JSON.stringify(r)))).toBe(true);
  });

  it('exports name the temporal layer: mediasoup temporalLayer, Janus temporal, the CSV', async () => {
    const janus = JSON.parse(renderExport(rec, 'janus'));
    const j = janus.subscriberTable.find(
      (x: { viewerSize: string; bandwidthBps: number }) => x.viewerSize === '640x360' && x.bandwidthBps === 2_500_000,
    );
    // Janus substreams count from the lowest rid: f is substream 2.
    expect(j.configure).toEqual({ request: 'configure', substream: 2, temporal: 1 });
    const csv = parse(renderExport(rec, 'csv'), { columns: true, skip_empty_lines: true, comment: '#' }) as Record<
      string,
      string
    >[];
    const c = csv.find((x) => x.viewer_size === '640x360' && x.bandwidth_kbps === '2500')!;
    expect([c.rid, c.spatial_layer, c.temporal_layer, c.layer_kbps, c.required_kbps]).toEqual([
      'f',
      '2',
      '1',
      '1440',
      '1656',
    ]);
    const mediasoup = renderExport(rec, 'mediasoup');
    const mod = await import(`data:text/javascript;base64,${Buffer.from(mediasoup).toString('base64')}`);
    expect(mod.simqPreferredLayers(640, 360, 2_500_000)).toEqual({ spatialLayer: 2, temporalLayer: 1 });
    expect(mod.simqPreferredLayers(640, 360, 4_000_000)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
  });
});

describe('SFU table on static content: every level scores the same, the cheapest wins', () => {
  const rec = recommendWith(temporalRows((_rid, _size, _level, full) => full));

  it('always level 0 (same score, fewer bits), so a larger layer fits a smaller bucket', () => {
    // Level 0 scores as its layer and costs 38 %: wherever a level of a layer fits, its level 0 fits
    // and ties it, and the tie goes to the cheaper.
    for (const c of vp8(rec).layerSelection.table)
      if (c.rid !== null) expect(c.temporalLayer, `${c.size} ${c.bandwidthKbps}`).toBe(0);
    // q T0: 148 x 0.38 = 56.24 -> 56.2 kbps, fit 64.7: the 150 kbps bucket, where q T2 (170.2) did not fit.
    expect(cell(recommendWith([]), '640x360', 150).rid).toBeNull();
    expect(cell(rec, '640x360', 150)).toMatchObject({ rid: 'q', temporalLayer: 0, kbps: 56.2 });
    // h T0: 490 x 0.38 = 186.2 kbps, fit 214.1 <= 300: h (70 at 640x360) instead of q (40).
    expect(cell(recommendWith([]), '640x360', 300).rid).toBe('q');
    expect(cell(rec, '640x360', 300)).toMatchObject({ rid: 'h', temporalLayer: 0, kbps: 186.2, score: 70 });
    // f T0: 2400 x 0.38 = 912, fit 1048.8 <= 1500: f (88) at 1500 kbps, where the whole layer needs 2760.
    expect(cell(rec, '640x360', 1500)).toMatchObject({ rid: 'f', temporalLayer: 0, kbps: 912, score: 88 });
  });
});
