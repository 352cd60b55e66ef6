// recommendation.json is checked where it is read (the report, simq viewers --recommendation) by the
// same zod schema that types it and generates schemas/recommendation.schema.json: a document simq
// wrote opens, and an edited one is refused naming the field by its JSON path.
import { describe, expect, it } from 'vitest';
import { checkRecommendation } from '../src/recommend/checkRecommendation.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';

const FIX = 'recompute it: simq recommend <run-dir>';
/** A recommendation as simq writes it, through JSON (what a reader gets). */
function written(): any {
  const rec = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
    runDir: 'results/handmade',
    simqVersion: 'test',
    now: new Date('2025-01-02T00:00:00Z'),
  });
  return JSON.parse(JSON.stringify(rec));
}
const check = (raw: unknown) => checkRecommendation(raw, 'recommendation.json', FIX);

describe('a recommendation.json read back', () => {
  it('opens as simq wrote it', () => {
    const raw = written();
    expect(check(raw)).toBe(raw);
  });

  const cases: [string, (r: any) => void, RegExp][] = [
    [
      'a cell whose rid is a number',
      (r) => (r.codecs[0].layerSelection.table[0].rid = 5),
      /recommendation\.json: codecs\[0\]\.layerSelection\.table\[0\]\.rid must be a string, not number 5/,
    ],
    ['a field simq does not write', (r) => (r.codecs[0].extra = 1), /recommendation\.json: codecs\[0\] .*extra/],
    [
      'an interpolated advice without the point below',
      (r) => {
        const advice = r.codecs[0].layers.find((l: any) => l.advice)!.advice;
        advice.rule = 'interpolated';
        delete advice.below;
      },
      /recommendation\.json: codecs\[0\]\.layers\[\d+\]\.advice\.below an interpolated advice needs the point below/,
    ],
    [
      'a codec simq does not know',
      (r) => (r.codecs[0].codec = 'h265'),
      /codecs\[0\]\.codec must be one of vp8, vp9, h264, av1, not "h265"/,
    ],
  ];
  for (const [what, edit, message] of cases)
    it(`refuses ${what}, naming the field`, () => {
      const raw = written();
      edit(raw);
      expect(() => check(raw)).toThrow(message);
    });

  it('refuses another version as a whole', () => {
    const raw = written();
    raw.schema = 'simq.recommendation/2';
    expect(() => check(raw)).toThrow(/schema "simq\.recommendation\/2" is not simq\.recommendation\/1/);
  });
});
