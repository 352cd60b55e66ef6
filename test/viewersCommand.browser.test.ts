// `simq viewers` end to end with a real Janus and Chromium, kept short: a 640x360 input, 8 s per
// arm, one table viewer at 640x360, and a recommendation given (simq's hand-made one: q/h/f with
// maxBitrate 400k/1200k/2500k), so no loopback analyze runs. Checked against what the test reads
// itself: stdout is the JSON document alone (progress went to stderr), each arm sent the encodings
// it should (the default preset; the recommendation's own encodings), the table viewer was Janus's
// own in the default arm and the export's table in the other, each arm's VMAF mean recomputed from
// pictures.csv and its kbps from the viewer's frames.csv, and the verdict follows from the numbers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { Recommendation } from '../src/recommend/RecommendationTypes.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { cameraSample, readCsv, readJson, simq } from './helpers/simq.js';

interface Figures {
  viewer: string;
  spec: string;
  fromS: number;
  toS: number;
  vmafMean?: number;
  kbps?: number;
  freezeCount: number;
}
interface Diff {
  default?: number;
  recommended?: number;
  diff?: number;
  noise?: number;
  better?: string;
}
interface Doc {
  fromS: number;
  arms: Record<'default' | 'recommended', { runDir: string; encodings: { rid: string; maxBitrate?: number }[] }>;
  viewers: {
    spec: string;
    arms: Record<'default' | 'recommended', Figures>;
    vmaf: Diff;
    kbps: Diff;
    qualityForBits: string;
    fewerFreezes: string;
  }[];
}

let dir: string;
let rec: Recommendation;
let doc: Doc;
let result: Awaited<ReturnType<typeof simq>>;

beforeAll(async () => {
  // SIMQ_VIEWERS_CMD_DIR=<a folder this test kept> reuses its comparison (to see a check fail without a capture).
  dir = process.env.SIMQ_VIEWERS_CMD_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'simq-viewers-cmd-'));
  const clip = await cameraSample(8);
  rec = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
    runDir: 'results/handmade',
    simqVersion: 'test',
    now: new Date('2025-01-02T00:00:00Z'),
  });
  const recFile = path.join(dir, 'recommendation.json');
  writeFileSync(recFile, JSON.stringify(rec));
  if (process.env.SIMQ_VIEWERS_CMD_DIR) {
    result = {
      code: 0,
      signal: null,
      stdout: readFileSync(path.join(dir, 'cmp', 'viewers.json'), 'utf8'),
      stderr: readFileSync(path.join(dir, 'stderr.txt'), 'utf8'),
    };
    doc = JSON.parse(result.stdout) as Doc;
    return;
  }
  // A viewer with no comparison (an arm with no scored picture in the window: a CI run's default-arm
  // viewer, which asks for a substream a 640x360 input never sends, got none) ends with exit 5 and
  // says why: this test's premise, a comparison to check, is then captured once more.
  for (let attempt = 1; attempt <= 2; attempt++) {
    result = await viewersRun(clip, recFile, attempt > 1);
    if (!(result.code === 5 && /no comparison over/.test(result.stderr)) || attempt === 2) break;
    console.log(
      `premise not met, capturing again: ${result.stderr.split('\n').find((l) => /no comparison over/.test(l))}`,
    );
  }
  writeFileSync(path.join(dir, 'stderr.txt'), result.stderr);
  doc = JSON.parse(result.stdout) as Doc;
}, 1_300_000);

async function viewersRun(clip: string, recFile: string, force: boolean) {
  return simq(
    [
      'viewers',
      clip,
      '--size',
      '640x360',
      '--duration',
      '8',
      '--viewers',
      '640x360:table',
      '--recommendation',
      recFile,
      '--out',
      dir,
      '--run-id',
      'cmp',
      '--allow-degraded',
      '--json',
      ...(force ? ['--force'] : []),
    ],
    { timeoutMs: 600_000 },
  );
}
afterAll(() =>
  process.env.SIMQ_KEEP_TEST_DIR || process.env.SIMQ_VIEWERS_CMD_DIR
    ? console.log(`kept ${dir}`)
    : execFileSync('rm', ['-rf', dir]),
);

describe('simq viewers: default against recommended through a real Janus', () => {
  it('exits 0, stdout is the JSON document alone, progress on stderr', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(result.stderr).toMatch(/default arm: the browser's default encodings/);
    expect(result.stderr).toMatch(/recommended arm: the recommended encodings/);
    expect(readJson(path.join(dir, 'cmp', 'viewers.json'))).toEqual(doc);
  });

  it("each arm sent what it should: the all-layers preset, and the recommendation's own encodings", () => {
    const sent = (arm: 'default' | 'recommended') =>
      readJson<RunRecord>(path.join(doc.arms[arm].runDir, 'run.json')).scenarios[0].scenario.encodings.map((e) => [
        e.rid,
        e.scaleResolutionDownBy,
        e.maxBitrate ?? null,
      ]);
    expect(sent('default')).toEqual([
      ['q', 4, null],
      ['h', 2, null],
      ['f', 1, null],
    ]);
    expect(sent('recommended')).toEqual(
      rec.codecs[0].recommendedEncodings.map((e) => [e.rid, e.scaleResolutionDownBy, e.maxBitrate ?? null]),
    );
  });

  it("the table viewer: Janus's own in the default arm, the export's table in the recommended arm", () => {
    const viewer = (arm: 'default' | 'recommended') =>
      readJson<RunRecord>(path.join(doc.arms[arm].runDir, 'run.json')).scenarios[0].viewers![0];
    expect(viewer('default').policy).toEqual({ kind: 'janus' });
    expect(viewer('recommended')).toMatchObject({
      policy: { kind: 'table' },
      table: path.join(dir, 'cmp', 'janus.json'),
    });
  });

  it("each arm's VMAF mean (pictures.csv) and kbps (the viewer's frames.csv) recomputed by the test", () => {
    const v = doc.viewers[0];
    for (const arm of ['default', 'recommended'] as const) {
      const f = v.arms[arm];
      const runDir = doc.arms[arm].runDir;
      const ticks = readCsv(path.join(runDir, 'pictures.csv')).filter(
        (r) =>
          r.rid === `viewer:${f.viewer}` && Number(r.time_s) >= doc.fromS && Number(r.time_s) < f.toS && r.vmaf !== '',
      );
      const mean = ticks.reduce((s, r) => s + Number(r.vmaf), 0) / ticks.length;
      expect(f.vmafMean, arm).toBeCloseTo(mean, 1);
      const run = readJson<RunRecord>(path.join(runDir, 'run.json'));
      const frames = readCsv(path.join(runDir, run.scenarios[0].id, 'viewers', `${f.viewer}.frames.csv`));
      const bySecond = new Map<number, number>();
      for (const fr of frames)
        bySecond.set(
          Math.floor(Number(fr.arrival_ms) / 1000),
          (bySecond.get(Math.floor(Number(fr.arrival_ms) / 1000)) ?? 0) + Number(fr.bytes),
        );
      // Whole seconds from the common steady start to the common end, which is before both arms' last
      // ticks (the last second is cut by the capture's end).
      const lastTick = Math.max(
        ...readCsv(path.join(runDir, 'pictures.csv'))
          .filter((r) => r.rid === `viewer:${f.viewer}`)
          .map((r) => Math.floor(Number(r.time_s))),
      );
      expect(f.toS).toBeLessThanOrEqual(lastTick);
      const seconds = [...bySecond.keys()].filter((s) => s >= Math.ceil(doc.fromS) && s < f.toS);
      const kbps = seconds.reduce((t, s) => t + (bySecond.get(s)! * 8) / 1000, 0) / seconds.length;
      expect(Math.abs(f.kbps! - kbps) / kbps, `${arm}: ${f.kbps} vs ${kbps.toFixed(1)}`).toBeLessThan(0.02);
    }
  });

  it('the verdict follows from the numbers: an arm is named only beyond the noise', () => {
    const v = doc.viewers[0];
    const clear = (d: Diff) => Math.abs(d.diff!) > d.noise!;
    expect(v.vmaf.noise).toBeGreaterThanOrEqual(1);
    expect(v.kbps.noise).toBeGreaterThanOrEqual(0.1 * Math.max(v.kbps.default!, v.kbps.recommended!) - 0.01);
    if (!clear(v.vmaf) && !clear(v.kbps)) expect(v.qualityForBits).toBe('no clear difference');
    if (clear(v.vmaf) && clear(v.kbps) && Math.sign(v.vmaf.diff!) === Math.sign(v.kbps.diff!))
      expect(v.qualityForBits).toBe('trade-off');
    if (v.qualityForBits === 'recommended' || v.qualityForBits === 'default') {
      const sign = v.qualityForBits === 'recommended' ? 1 : -1;
      expect(sign * v.vmaf.diff!).toBeGreaterThanOrEqual(-v.vmaf.noise!);
      expect(sign * v.kbps.diff!).toBeLessThanOrEqual(v.kbps.noise!);
    }
    const a = v.arms.default.freezeCount;
    const b = v.arms.recommended.freezeCount;
    if (Math.abs(a - b) <= Math.max(1, 2 * Math.sqrt(a + b))) expect(v.fewerFreezes).toBe('no clear difference');
    console.log(
      JSON.stringify({ vmaf: v.vmaf, kbps: v.kbps, qualityForBits: v.qualityForBits, fewerFreezes: v.fewerFreezes }),
    );
  });
});
