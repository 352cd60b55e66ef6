// The recommendation engine on a hand-made quality table (test/fixtures/recommend/handmade.ts) whose
// answers are derived here by hand from the rules (docs/recommend.md) and from Chrome's rules in
// libwebrtc's simulcast tables (video/config/simulcast.cc) — never copied from the engine's output.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { maxBitrateForWanted } from '../src/recommend/chromeMaxBitrate.js';
import { wantedBitrate } from '../src/recommend/maxBitrateAdvice.js';
import { buildQualityTable, parseQualityCsv } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { CodecRecommendation, Recommendation } from '../src/recommend/RecommendationTypes.js';
import { ScenarioChecker, validateEncodings } from '../src/scenario/loadScenarios.js';
import { toCsv } from '../src/io/csv.js';
import { QUALITY_COLUMNS } from '../src/rundir/CsvTypes.js';
import { handmadeParsedRows, handmadeQualityRows, handmadeRun, qhf } from './fixtures/recommend/handmade.js';

const NOW = new Date('2025-01-02T00:00:00.000Z');

function run(options: { vmaf?: boolean } = {}): Recommendation {
  const table = buildQualityTable(handmadeRun(), handmadeParsedRows(options));
  return recommend(table, { runDir: 'results/handmade', simqVersion: '0.1.0-test', now: NOW });
}

const vp8 = (rec: Recommendation): CodecRecommendation => rec.codecs.find((c) => c.codec === 'vp8')!;
const layer = (rec: Recommendation, rid: string) => vp8(rec).layers.find((l) => l.rid === rid)!;

const schema = JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validateRecommendation = ajv.compile(schema);

describe('recommend on a hand-made quality table', () => {
  const rec = run();

  it('h (lower layer, points crossing VMAF 80): interpolated 900 kbps -> maxBitrate 1200 kbps by the 3/4 rule', () => {
    // h's curve (x = steady target kbps, y = VMAF at 640x360 native): 500:70, 700:75, 750:78, 1200:84, 1500:87.5.
    // First point >= 80 is 1200 (84); the one below is 750 (78); 1200 <= 2 x 750, so interpolate:
    const wanted = 750 + ((80 - 78) * (1200 - 750)) / (84 - 78); // = 900
    expect(wanted).toBe(900);
    // h is a lower layer in the sender (f is on): Chrome gives it max(table target 500, 3/4 maxBitrate).
    // 900 > 500, so maxBitrate = 900 x 4/3 = 1200 kbps.
    const a = layer(rec, 'h').advice!;
    expect(a.rule).toBe('interpolated');
    expect(a.role).toBe('lower');
    expect(a.wantedKbps).toBe(900);
    expect(a.maxBitrate).toBe(1_200_000);
    expect(a.tableTargetBps).toBe(500_000);
    expect(a.predictedBps).toBe(900_000);
    expect(a.below).toMatchObject({ kbps: 750, score: 78 });
    expect(a.measured).toMatchObject({ kbps: 1200, score: 84 });
    expect(a.expectedScore).toBeCloseTo(80, 6);
    expect(a.explanation.join(' ')).toMatch(/3\/4 maxBitrate/);
  });

  it('q (target out of reach): the knee at 300 kbps -> maxBitrate 400 kbps', () => {
    // q's upper envelope: 150:55.5 (top-off beats all-layers' 55 at the same kbps), 225:62, 300:66, 450:67.
    // Gain per 100 kbps: 150->225 6.5/0.75 = 8.67, 225->300 4/0.75 = 5.33, 300->450 1/1.5 = 0.67 < 1: knee at 300.
    const a = layer(rec, 'q').advice!;
    expect(layer(rec, 'q').curve.map((p) => [p.kbps, p.score])).toEqual([
      [150, 55.5],
      [225, 62],
      [300, 66],
      [450, 67],
    ]);
    expect(a.rule).toBe('knee');
    expect(a.wantedKbps).toBe(300);
    expect(a.expectedScore).toBe(66);
    // q is a lower layer; table target at 320x180 is 150 kbps; 300 > 150 -> maxBitrate = 300 x 4/3 = 400 kbps.
    expect(a.maxBitrate).toBe(400_000);
    expect(a.predictedBps).toBe(300_000);
    expect(a.explanation[0]).toMatch(/knee/);
  });

  it('f (top layer, already above target at its only point): maxBitrate = wanted bitrate', () => {
    const a = layer(rec, 'f').advice!;
    expect(a.rule).toBe('below-range');
    expect(a.role).toBe('top');
    expect(a.wantedKbps).toBe(2500);
    expect(a.maxBitrate).toBe(2_500_000);
    expect(a.predictedBps).toBe(2_500_000);
  });

  it('recommended encodings carry the advice and pass the scenario validator', () => {
    const enc = vp8(rec).recommendedEncodings;
    expect(enc.map((e) => [e.rid, e.maxBitrate, e.scaleResolutionDownBy, e.active])).toEqual([
      ['q', 400_000, 4, true],
      ['h', 1_200_000, 2, true],
      ['f', 2_500_000, 1, true],
    ]);
    expect(
      validateEncodings(new ScenarioChecker('recommendedEncodings'), JSON.parse(JSON.stringify(enc)), 'encodings'),
    ).toEqual(enc);
  });

  it('answers the seed question per render size: best, and cheapest within 1 VMAF point', () => {
    const at = (size: string) => vp8(rec).viewerSizes.find((v) => v.size === size)!;
    // 640x360: f scaled down 88 (2400 kbps) is best; h@2000k sweep 87.5 (1480 kbps) is within 1 and cheaper.
    expect(at('640x360').best).toMatchObject({ rid: 'f', scenarioId: 'all-layers.vp8', score: 88, kbps: 2400 });
    expect(at('640x360').cheapest).toMatchObject({
      rid: 'h',
      scenarioId: 'all-layers.vp8.h-maxBitrate-2000k',
      score: 87.5,
      kbps: 1480,
    });
    // The sender's own h at 640x360 scores 70 for 490 kbps: f beats it by 18 for 4.9x the bits.
    const hSender = at('640x360').candidates.find((c) => c.rid === 'h' && c.scenarioId === 'all-layers.vp8')!;
    expect(at('640x360').best.score - hSender.score).toBe(18);
    expect(at('640x360').best.kbps / hSender.kbps).toBeCloseTo(4.9, 1);
    // 320x180: h@2000k 87 is best; within 1 point: h@1600k 86 at 1170 kbps, the cheapest.
    expect(at('320x180').best).toMatchObject({ rid: 'h', scenarioId: 'all-layers.vp8.h-maxBitrate-2000k', score: 87 });
    expect(at('320x180').cheapest).toMatchObject({
      rid: 'h',
      scenarioId: 'all-layers.vp8.h-maxBitrate-1600k',
      score: 86,
      kbps: 1170,
    });
    // 1280x720: f alone.
    expect(at('1280x720').best.rid).toBe('f');
    expect(at('1280x720').cheapest.rid).toBe('f');
  });

  it('layer-selection table: never a layer whose bitrate + 15 % exceeds the bucket, and the best one that fits', () => {
    const sel = vp8(rec).layerSelection;
    // Sender all-layers.vp8: q 148, h 490, f 2400 kbps actual -> fit at 170.2, 563.5, 2760 kbps.
    expect(sel.layers.map((l) => [l.rid, l.kbps, l.requiredKbps])).toEqual([
      ['q', 148, 170.2],
      ['h', 490, 563.5],
      ['f', 2400, 2760],
    ]);
    expect(sel.bandwidthsKbps).toEqual([150, 300, 600, 1000, 1500, 2500, 4000]);
    expect(sel.table).toHaveLength(3 * 7);
    for (const cell of sel.table) {
      const fitting = sel.layers.filter((l) => l.kbps * 1.15 <= cell.bandwidthKbps + 1e-9);
      if (cell.rid === null) {
        expect(fitting).toEqual([]);
        continue;
      }
      const chosen = sel.layers.find((l) => l.rid === cell.rid)!;
      expect(chosen.kbps * 1.15).toBeLessThanOrEqual(cell.bandwidthKbps);
      for (const l of fitting) expect(l.scores[cell.size]).toBeLessThanOrEqual(chosen.scores[cell.size]);
    }
    const pick = (size: string, b: number) => sel.table.find((t) => t.size === size && t.bandwidthKbps === b)!.rid;
    expect(pick('640x360', 150)).toBeNull();
    expect(pick('640x360', 300)).toBe('q');
    expect(pick('640x360', 2500)).toBe('h'); // f needs 2760
    expect(pick('640x360', 4000)).toBe('f');
  });

  it('hysteresis pairs: down = bitrate x 1.15, up = down x 1.2 (> down)', () => {
    for (const l of vp8(rec).layerSelection.layers) {
      expect(l.downSwitchKbps).toBeCloseTo(l.kbps * 1.15, 1);
      expect(l.upSwitchKbps).toBeCloseTo(l.kbps * 1.15 * 1.2, 1);
      expect(l.upSwitchKbps).toBeGreaterThan(l.downSwitchKbps);
    }
    // mediasoup spatial layers: lowest resolution first; VP8 simulcast has 3 temporal layers (0..2).
    expect(vp8(rec).layerSelection.layers.map((l) => [l.rid, l.spatialLayer, l.temporalLayer])).toEqual([
      ['q', 0, 2],
      ['h', 1, 2],
      ['f', 2, 2],
    ]);
  });

  it('warns in plain words', () => {
    const text = rec.warnings.map((w) => `${w.kind}: ${w.message}`);
    expect(text).toContain(
      'beaten-by-larger: at 640x360 the h layer (490 kbps) scores 18.0 VMAF below f scaled down (2400 kbps) in all-layers.vp8',
    );
    expect(rec.warnings.some((w) => w.kind === 'cpu-limited' && w.rid === 'q' && /CPU-limited/.test(w.message))).toBe(
      true,
    );
    expect(rec.warnings.some((w) => w.kind === 'knee' && w.rid === 'q')).toBe(true);
    expect(rec.warnings.some((w) => w.kind === 'below-range' && w.rid === 'f')).toBe(true);
    expect(
      rec.warnings.some((w) => w.kind === 'low-alignment' && w.scenarioId === 'top-off.vp8' && w.rid === 'h'),
    ).toBe(true);
    expect(rec.warnings.some((w) => w.kind === 'vmaf-missing')).toBe(false);
  });

  it('is valid against recommendation.schema.json', () => {
    const ok = validateRecommendation(JSON.parse(JSON.stringify(rec)));
    expect(validateRecommendation.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects a document with an invented key', () => {
    const bad = JSON.parse(JSON.stringify(rec));
    bad.codecs[0].recommendedEncodings[0].maxBitrateKbps = 400;
    expect(validateRecommendation(bad)).toBe(false);
  });
});

describe('PSNR-Y fallback when the run has no VMAF', () => {
  const rec = run({ vmaf: false });
  it('says so and aims for the PSNR-Y target', () => {
    expect(rec.settings.metric).toMatchObject({ name: 'psnr_y', fallback: true });
    expect(rec.settings.targetScore).toBe(38);
    expect(rec.warnings.some((w) => w.kind === 'vmaf-missing')).toBe(true);
    // PSNR-Y = 20 + VMAF/5 in the fixture, so 38 dB <=> VMAF 90: h's curve tops out at 87.5 (37.5 dB) -> knee rule.
    // h's PSNR curve: 500:34, 700:35, 750:35.6, 1200:36.8, 1500:37.5; gains per 100 kbps: 0.5, 1.2, 0.267, 0.233 — all >= 0.1 dB.
    const h = layer(rec, 'h').advice!;
    expect(h.rule).toBe('highest');
    expect(h.wantedKbps).toBe(1500);
    expect(validateRecommendation(JSON.parse(JSON.stringify(rec)))).toBe(true);
  });
});

describe('curve rules in isolation', () => {
  const metric = { name: 'vmaf', column: 'vmaf_mean', unit: 'VMAF', fallback: false } as const;
  const opts = { metric, targetScore: 80, kneeSlopePer100Kbps: 1 };
  it('does not interpolate across a gap wider than 2x: the measured point above is used', () => {
    const w = wantedBitrate(
      [
        { kbps: 400, score: 70, scenarioId: 'a' },
        { kbps: 1200, score: 84, scenarioId: 'b' },
      ],
      opts,
    );
    expect(w.rule).toBe('measured');
    expect(w.wantedKbps).toBe(1200);
  });
  it('one point below the target: no knee can be found, the point is used and said so', () => {
    const w = wantedBitrate([{ kbps: 500, score: 60, scenarioId: 'a' }], opts);
    expect(w.rule).toBe('highest');
    expect(w.explanation).toMatch(/only one bitrate/);
  });
  it('a lower layer wanted below its table target gets maxBitrate = the wanted bitrate', () => {
    // h table target 500 kbps; wanted 400: target = min(max(500, 300), 400) = 400 with maxBitrate 400.
    const c = maxBitrateForWanted(
      { codec: 'vp8', input: { width: 1280, height: 720, fps: 30 }, encodings: qhf() },
      'h',
      400_000,
      'lower',
    );
    expect(c.maxBitrate).toBe(400_000);
    expect(c.predictedBps).toBe(400_000);
  });
});

describe('quality.csv parsing', () => {
  it('round-trips the measure stage CSV through csv-parse', () => {
    const text = toCsv(QUALITY_COLUMNS, handmadeQualityRows());
    const rows = parseQualityCsv(text, 'quality.csv');
    expect(rows).toHaveLength(handmadeQualityRows().length);
    expect(rows[0]).toMatchObject({
      scenario_id: 'all-layers.vp8',
      rid: 'q',
      size: 'native',
      target_kbps: 150,
      vmaf_mean: 55,
    });
    expect(rows[0].max_bitrate_kbps).toBeUndefined();
  });
  it('names the file, line and column of a bad number', () => {
    const text = toCsv(QUALITY_COLUMNS, handmadeQualityRows()).replace(
      /\n([^,]*,[^,]*,vp8,,q,320x180,native,displayed,,)150/,
      '\n$1abc',
    );
    expect(() => parseQualityCsv(text, '/x/quality.csv')).toThrow(
      /\/x\/quality\.csv line 2: target_kbps "abc" is not a number/,
    );
  });
});
