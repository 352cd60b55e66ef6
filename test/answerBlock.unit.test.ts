// analyze's answer block on the hand-made run (test/fixtures/recommend): at 640x360 the sender's f
// scores 88 VMAF at 2400 kbps sent and h 70 at 490 (the fixture's SPECS, written by hand), so the
// answer is known without simq: f 18.0 better for 1910 kbps more, h at 20 % of f's bits.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeText } from '../src/commands/analyze.js';
import { renderAnswerBlock } from '../src/recommend/answerBlock.js';
import { runRecommendStage } from '../src/recommend/recommendStage.js';
import { writeHandmadeRunDir } from './fixtures/recommend/handmade.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'simq-answer-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('the answer block', () => {
  const dir = path.join(TMP, 'run');
  writeHandmadeRunDir(dir);
  const rec = runRecommendStage(dir, {
    simqVersion: 't',
    now: new Date('2025-01-02T00:00:00Z'),
    save: false,
  }).recommendation;
  const block = renderAnswerBlock(rec, '/r/report.html', false);

  it('answers the seed question in about ten lines', () => {
    const lines = block.split('\n');
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(block).toMatch(/For a 640x360 viewer \(VP8, VMAF, sender all-layers\.vp8\)/);
    expect(block).toMatch(/f scaled down\s+88\.0 at\s+2400 kbps/);
    expect(block).toMatch(/h\s+70\.0 at\s+490 kbps/);
    expect(block).toContain("-> f scaled down is 18.0 VMAF better for 1910 kbps more (h sends 20% of f's bits)");
    const h = rec.codecs[0].layers.find((l) => l.rid === 'h')!.advice!;
    expect(block).toContain(
      `h maxBitrate for VMAF ${rec.settings.targetScore}: ${Math.round(h.maxBitrate / 1000)} kbps`,
    );
    expect(lines.at(-1)).toContain('full tables: add --details; report: /r/report.html');
  });

  it('is in the last ten lines of what analyze prints, with or without --details', () => {
    const tables = Array.from({ length: 116 }, (_, i) => `table line ${i}`);
    for (const details of [false, true]) {
      const text = analyzeText([tables.join('\n')], block, { details, runDir: '/r' });
      const last = text.split('\n').slice(-10).join('\n');
      expect(last).toContain('-> f scaled down is 18.0 VMAF better');
      expect(text.includes('table line 50')).toBe(details);
    }
  });

  // h's native VMAF points in the fixture (SPECS, by hand): 70, 75, 78, 84 and 87.5, the last at 1500
  // kbps target; every step gains more than 1 VMAF per 100 kbps, the last (84 -> 87.5 over 300 kbps)
  // 1.17. So 95 is out of reach with the curve still climbing, a knee slope of 1.2 puts the knee at 84,
  // and 60 is reached already at h's cheapest point (70).
  const hLine = (options: { targetVmaf: number; kneeSlopePer100Kbps?: number }) =>
    renderAnswerBlock(
      runRecommendStage(dir, { simqVersion: 't', now: new Date('2025-01-02T00:00:00Z'), save: false, ...options })
        .recommendation,
      undefined,
      false,
    )
      .split('\n')
      .find((l) => l.startsWith('h maxBitrate'))!;

  it('says when the target is out of reach, with the best measured score, before the figure it gives instead', () => {
    expect(hLine({ targetVmaf: 95 })).toMatch(
      /^h maxBitrate for VMAF 95: out of reach \(best measured 87\.5 at 1500 kbps, still climbing: measure higher\); \d+ kbps for that point \(expected 87\.5;/,
    );
    expect(hLine({ targetVmaf: 95, kneeSlopePer100Kbps: 1.2 })).toMatch(
      /^h maxBitrate for VMAF 95: out of reach \(best measured 87\.5 at 1500 kbps\); \d+ kbps for the curve's knee \(expected 84\.0;/,
    );
    expect(hLine({ targetVmaf: 60 })).toMatch(
      /^h maxBitrate for VMAF 60: \d+ kbps \(expected 70\.0, reached already at the cheapest measured point: a lower one may do;/,
    );
    expect(hLine({ targetVmaf: 80 })).toMatch(
      /^h maxBitrate for VMAF 80: \d+ kbps \(expected 80\.0; Chrome then gives h/,
    );
  });
});
