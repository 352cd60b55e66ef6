// Temporal operating points on clips whose answer is known by construction, captured for real:
// - a still picture: every frame is the same, so a level that forwards fewer frames shows the same
//   picture as the full rate; every level of a layer scores the same, and the cheapest level is as
//   good as any for a viewer.
// - a fast pan over a detailed picture (10 px per frame at 1280x720): a viewer of level 0 sees a
//   picture that is up to three frames (30 px) behind the source, level 1 up to one frame, level 2
//   none; so VMAF at the layer's own size drops clearly from level to level.
// Expectations come from the construction and from the captured frames.csv (bytes per frame), never
// from simq's own output. VP8 only (libvpx's three-level pattern 0,2,1,2, libwebrtc
// default_temporal_layers.cc). --vmaf-subsample 3 scores every third picture: 3 is coprime with the
// pattern's period 4, so the scored pictures cover every phase of the pattern (with 2, level 1 would
// only ever be scored on the pictures it forwards, where it equals level 2). simq warns that 20
// pictures per 2 s window are few; the margins checked (0.5 VMAF on a picture that never changes, 10
// between levels that differ by 20-45) stay far above quick mode's worst error in docs/vmaf.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { locateChrome } from '../src/tools/chrome.js';
import { FFMPEG, readCsv, readJson, ROOT, simq } from './helpers/simq.js';

const FRAMES = 120; // 4 s at 30 fps
/** A detailed still (a zoomed-in Mandelbrot boundary), one frame looped. */
const STILL = (width: number) =>
  `mandelbrot=s=${width}x720:r=30:start_scale=0.6:end_scale=0.6,trim=end_frame=1,loop=loop=-1:size=1,setpts=N/30/TB`;
const CLIPS = {
  still: `${STILL(1280)}`,
  pan: `${STILL(1280 + FRAMES * 10)},crop=w=1280:h=720:x='n*10':y=0`,
} as const;
type Clip = keyof typeof CLIPS;

let dir: string;
const runs = {} as Record<Clip, { run: string; record: RunRecord; rows: Record<string, string>[] }>;

async function captureAndMeasure(clip: Clip): Promise<void> {
  const file = path.join(dir, `${clip}.y4m`);
  execFileSync(FFMPEG, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    CLIPS[clip],
    '-frames:v',
    String(FRAMES),
    '-pix_fmt',
    'yuv420p',
    '-y',
    file,
  ]);
  const c = await simq([
    'capture',
    file,
    '--scenario',
    'all-layers',
    '--codec',
    'vp8',
    '--duration',
    '4',
    '--warmup',
    '2',
    '--out',
    dir,
    '--run-id',
    clip,
    '--allow-degraded',
    '--quiet',
  ]);
  expect(c.code, c.stderr).toBe(0);
  rmSync(file);
  const run = path.join(dir, clip);
  const m = await simq([
    'measure',
    run,
    '--temporal-layers',
    '--viewports',
    '320x180',
    '--vmaf-subsample',
    '3',
    '--quiet',
  ]);
  expect([ExitCode.ok, ExitCode.degraded], m.stderr).toContain(m.code);
  runs[clip] = {
    run,
    record: readJson<RunRecord>(path.join(run, 'run.json')),
    rows: readCsv(path.join(run, 'quality.csv')),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-temporal-construction-'));
  await captureAndMeasure('still');
  await captureAndMeasure('pan');
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RIDS = ['q', 'h', 'f'];

/** Score and cost of levels 0, 1, 2 of a layer at its own size. */
function levels(clip: Clip, rid: string) {
  const ops = runs[clip].rows.filter((r) => r.rid === rid && r.size === 'native' && r.temporal_layer !== '');
  expect(
    ops.map((r) => r.temporal_layer),
    `${clip} ${rid}`,
  ).toEqual(['0', '1', '2']);
  return ops.map((r) => ({ vmaf: Number(r.vmaf_mean), kbps: Number(r.op_kbps), fps: Number(r.op_fps) }));
}

/** The layer selection simq recommends from the run (scores at each viewer size, cost per level). */
async function selection(clip: Clip) {
  const r = await simq(['recommend', runs[clip].run, '--no-save', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as {
    settings: { tolerance: number };
    codecs: {
      layerSelection: {
        temporalPoints: { rid: string; temporalLayer: number; kbps: number }[];
        table: {
          size: string;
          bandwidthKbps: number;
          rid: string | null;
          temporalLayer?: number;
          cheaper?: { rid: string; kbps: number; temporalLayer?: number };
        }[];
      };
    }[];
  };
  const { table, temporalPoints } = doc.codecs[0].layerSelection;
  return { tolerance: doc.settings.tolerance, table, temporalPoints };
}

describe('a still picture: every temporal level scores the same, so the cheapest wins', () => {
  it('VMAF of levels 0, 1, 2 within 0.5 of each other at the layer size and at 320x180, while the cost rises', () => {
    for (const rid of RIDS) {
      const own = levels('still', rid);
      const small = runs.still.rows
        .filter((r) => r.rid === rid && r.size === '320x180' && r.temporal_layer !== '')
        .map((r) => Number(r.vmaf_mean));
      for (const scores of [own.map((l) => l.vmaf), small]) {
        expect(scores.length, rid).toBe(3);
        expect(Math.max(...scores) - Math.min(...scores), `${rid} ${scores.join(' ')}`).toBeLessThan(0.5);
      }
      expect(own[0].kbps, rid).toBeLessThan(own[1].kbps);
      expect(own[1].kbps, rid).toBeLessThan(own[2].kbps);
    }
  });

  it("wherever a level above 0 is chosen, simq names a near-equal alternative no dearer than that layer's level 0", async () => {
    const { table, temporalPoints } = await selection('still');
    // Level 0's cost as the selection counts it (the layer's sent kbps times level 0's share of the bytes).
    const t0 = Object.fromEntries(
      RIDS.map((rid) => [rid, temporalPoints.find((p) => p.rid === rid && p.temporalLayer === 0)!.kbps]),
    );
    const above = table.filter((c) => c.rid !== null && (c.temporalLayer ?? 0) > 0);
    expect(above.length).toBeGreaterThan(0);
    for (const c of above) {
      const label = `${c.size} @ ${c.bandwidthKbps} kbps: ${c.rid} T${c.temporalLayer}`;
      expect(c.cheaper, label).toBeDefined();
      expect(c.cheaper!.kbps, label).toBeLessThanOrEqual(t0[c.rid!]);
    }
  });
});

describe('a fast pan: lower temporal levels lose clearly', () => {
  it('VMAF at the layer size: level 0 < level 1 < level 2, each by more than 10', () => {
    for (const rid of RIDS) {
      const [t0, t1, t2] = levels('pan', rid).map((l) => l.vmaf);
      expect(t1 - t0, `${rid} ${t0} ${t1} ${t2}`).toBeGreaterThan(10);
      expect(t2 - t1, `${rid} ${t0} ${t1} ${t2}`).toBeGreaterThan(10);
    }
  });

  it('simq never offers a lower level of the chosen layer as the near-equal cheaper alternative', async () => {
    const { table } = await selection('pan');
    for (const c of table.filter((x) => x.cheaper)) {
      const lower = c.cheaper!.rid === c.rid && (c.cheaper!.temporalLayer ?? 2) < (c.temporalLayer ?? 2);
      expect(
        lower,
        `${c.size} @ ${c.bandwidthKbps} kbps: ${c.rid} T${c.temporalLayer} -> T${c.cheaper!.temporalLayer}`,
      ).toBe(false);
    }
  });
});

describe('the kbps and fps of each level are its frames over the steady window (frames.csv)', () => {
  it.each(['still', 'pan'] as const)('%s', (clip) => {
    const { run, record } = runs[clip];
    const s = record.scenarios[0];
    for (const rid of RIDS) {
      const layer = s.layers.find((l) => l.rid === rid)!;
      const { fromS, toS } = layer.steady!;
      const frames = readCsv(path.join(run, s.id, `${rid}.frames.csv`)).filter(
        (f) => Number(f.time_s) >= fromS && Number(f.time_s) < toS,
      );
      expect(new Set(frames.map((f) => f.temporal_index)), rid).toEqual(new Set(['0', '1', '2']));
      levels(clip, rid).forEach((level, t) => {
        const mine = frames.filter((f) => Number(f.temporal_index) <= t);
        const kbps = (mine.reduce((n, f) => n + Number(f.bytes), 0) * 8) / 1000 / (toS - fromS);
        expect(level.kbps, `${clip} ${rid} T${t}`).toBeCloseTo(kbps, 0);
        expect(level.fps, `${clip} ${rid} T${t}`).toBeCloseTo(mine.length / (toS - fromS), 1);
      });
    }
  });
});

describe('the report shows the operating points of the pan', () => {
  it('a chart for the 320x180 viewer with a point per (layer, temporal layer) row of quality.csv, each layer through its levels', async () => {
    const { run, rows } = runs.pan;
    const r = await simq(['report', run, '--out', path.join(dir, 'pan.html')]);
    expect(r.code, r.stderr).toBe(0);
    const pairs = rows.filter((x) => x.size === '320x180' && x.temporal_layer !== '');
    expect(pairs.length).toBe(9);
    const browser = await chromium.launch({
      executablePath: locateChrome().path,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(dir, 'pan.html')).href, { waitUntil: 'load' });
      const charts = await page.evaluate(
        () =>
          (
            window as unknown as {
              __simqCharts: { id: string; points: number; series: { label: string; points: number }[] }[];
            }
          ).__simqCharts,
      );
      await page
        .locator('#operating-points')
        .screenshot({ path: path.join(ROOT, 'test-artifacts', 'report-temporal-pan.png') });
      expect(errors).toEqual([]);
      const chart = charts.find((c) => c.id === 'operating-points-vp8-320x180')!;
      expect(chart.points).toBe(pairs.length);
      const drawn = Object.fromEntries(chart.series.map((x) => [x.label, x.points]));
      for (const rid of RIDS) {
        expect(drawn[rid], rid).toBe(pairs.filter((x) => x.rid === rid).length);
        expect(drawn[`${rid} T0..T2`], rid).toBe(3);
      }
    } finally {
      await browser.close();
    }
  });
});
