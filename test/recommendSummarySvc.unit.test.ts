// The simulcast-vs-SVC rows of `simq recommend`'s console text (renderRecommendationSummary), from a
// comparison built by hand. The expected lines are written out by hand from the numbers below: each
// score to one decimal, each kbps rounded, the upload difference in % to one decimal, the columns as
// wide as their widest cell joined by two spaces (numbers right-aligned).
import { describe, expect, it } from 'vitest';
import type { LayerCandidate, Recommendation, SvcVersusSimulcastRow } from '../src/recommend/RecommendationTypes.js';
import { renderRecommendationSummary } from '../src/recommend/summary.js';

const layer = (scenarioId: string, rid: string, kbps: number, score: number): LayerCandidate => ({
  scenarioId,
  scenario: scenarioId,
  rid,
  layer: '',
  kbps,
  score,
  scorePerMbps: 0,
});

/** A recommendation with nothing but the comparison rows (no layers, no SFU table, no warnings). */
function recommendation(rows: SvcVersusSimulcastRow[]): Recommendation {
  return {
    provenance: { runId: 'r1', clip: { name: 'camera.mp4', width: 1280, height: 720, fps: 30 } },
    settings: { metric: { name: 'vmaf', fallback: false }, targetScore: 80, tolerance: 1, headroom: 0.15 },
    rules: { chrome: 'chrome rule', knee: 'knee rule' },
    codecs: [
      {
        codec: 'vp9',
        layers: [],
        viewerSizes: [],
        layerSelection: { sizes: [], bandwidthsKbps: [], layers: [], table: [] },
        recommendedEncodings: [],
        svcVersusSimulcast: rows,
      },
    ],
    warnings: [],
  } as unknown as Recommendation;
}

/** The lines from the comparison's heading on, up to the blank line that ends its table. */
function svcBlock(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Simulcast or SVC'));
  expect(start).toBeGreaterThan(-1);
  return lines.slice(start, lines.indexOf('', start));
}

describe('simq recommend console: simulcast or SVC per render size', () => {
  it('same upload: the forwarded layer and point per size, the winner and the margin', () => {
    // Uploads 2101.1 and 2143.7 kbps: (2143.7 - 2101.1) / 2101.1 = +2.03 %, stored as 0.02 -> "+2 %".
    const up = { sim: 2101.1, svc: 2143.7 };
    const rows: SvcVersusSimulcastRow[] = [
      {
        codec: 'vp9',
        size: '320x180',
        simulcast: { forwarded: layer('sim', 'q', 142.7, 51.164), uploadKbps: up.sim },
        svc: { forwarded: layer('svc', 'f-S0', 148.3, 54.5), uploadKbps: up.svc },
        uploadDifference: 0.02,
        sameUpload: true,
        better: 'svc',
        by: 3.34,
      },
      {
        codec: 'vp9',
        size: '1280x720',
        simulcast: { forwarded: layer('sim', 'f', 1533, 92.098), uploadKbps: up.sim },
        svc: { forwarded: layer('svc', 'f-S2', 1564.6, 92.203), uploadKbps: up.svc },
        uploadDifference: 0.02,
        sameUpload: true,
        better: 'svc',
        by: 0.11,
      },
    ];
    const block = svcBlock(renderRecommendationSummary(recommendation(rows)));
    expect(block[0]).toContain('the layer vs the operating point an SFU forwards to that viewer');
    // Widths: size 8 ("1280x720"), simulcast 9, VMAF 4, kbps 4, upload 6, SVC 10 ("f-S0 (svc)"),
    // VMAF 4, kbps 4, upload 6, upload diff 11, better 6, by 3 ("3.3").
    expect(block.slice(1)).toEqual([
      'size      simulcast  VMAF  kbps  upload  SVC         VMAF  kbps  upload  upload diff  better   by',
      '--------  ---------  ----  ----  ------  ----------  ----  ----  ------  -----------  ------  ---',
      '320x180   q (sim)    51.2   143    2101  f-S0 (svc)  54.5   148    2144         +2 %  svc     3.3',
      '1280x720  f (sim)    92.1  1533    2101  f-S2 (svc)  92.2  1565    2144         +2 %  svc     0.1',
    ]);
  });

  it('uploads too far apart: the line saying no winner is named, "uploads differ" and no margin', () => {
    const rows: SvcVersusSimulcastRow[] = [
      {
        codec: 'vp9',
        size: '640x360',
        simulcast: { forwarded: layer('sim', 'h', 425.4, 56.514), uploadKbps: 2101.1 },
        svc: { forwarded: layer('svc', 'f-S1', 430.8, 60.7), uploadKbps: 2731.4 },
        uploadDifference: 0.3,
        sameUpload: false,
      },
    ];
    const block = svcBlock(renderRecommendationSummary(recommendation(rows)));
    // Widths: size 7, better 14 ("uploads differ"), by 2; 0.3 -> "+30 %", "30 % off", tolerance 10 %.
    expect(block.slice(1)).toEqual([
      '  no winner is named: the SVC upload is 30 % off the simulcast one (more than 10 %); measure the two at closer uploads (e.g. a maxBitrate on the SVC encoding)',
      'size     simulcast  VMAF  kbps  upload  SVC         VMAF  kbps  upload  upload diff  better          by',
      '-------  ---------  ----  ----  ------  ----------  ----  ----  ------  -----------  --------------  --',
      '640x360  h (sim)    56.5   425    2101  f-S1 (svc)  60.7   431    2731        +30 %  uploads differ   -',
    ]);
  });
});
