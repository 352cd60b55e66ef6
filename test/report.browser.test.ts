// The HTML report in a browser: built for a hand-made run directory (test/fixtures/report-run, made
// by test/fixtures/make-report-run.mjs, with a recommendation.json from the real engine) and opened
// from file:// in headless Chromium: no console or page errors, no request but the file itself, and every chart
// has drawn its points (counted from the CSVs here, independently of the report code, and seen as
// pixels of each layer's colour on the chart's canvas). Screenshots go to test-artifacts/.
// The report's contents without a browser and `simq report` are in report.cli.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateChrome } from '../src/tools/chrome.js';
import { writeReport } from '../src/report/writeReport.js';
import { copyRunText } from './helpers/reportRun.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/report-run');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

type Row = Record<string, string>;
const readCsv = (file: string): Row[] =>
  parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
const filled = (v: string | undefined) => v !== undefined && v !== '';

let tmp: string;
let browser: Browser | undefined;

/** A copy of a run directory's text files (run.json, CSVs, recommendation.json): no media. */
function copyRun(src: string, name: string, options: { recommendation?: boolean } = {}): string {
  return copyRunText(src, path.join(tmp, name), options);
}

interface ExpectedChart {
  points: number;
  /** Colours of the layers that must show on the canvas. */
  colors: string[];
}

const RID_COLOR: Record<string, string> = { q: '#1f77b4', h: '#ff7f0e', f: '#2ca02c' };

/** What each chart must show, counted straight from the run directory's files. */
function expectedCharts(runDir: string): Map<string, ExpectedChart> {
  const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { scenarios: { id: string }[] };
  const out = new Map<string, ExpectedChart>();
  for (const s of run.scenarios) {
    const file = path.join(runDir, s.id, 'stats.csv');
    if (!existsSync(file)) continue;
    const rows = readCsv(file);
    const points = rows.filter((r) => filled(r.target_kbps)).length + rows.filter((r) => filled(r.actual_kbps)).length;
    out.set(`timeline-${s.id}`, { points, colors: [...new Set(rows.map((r) => RID_COLOR[r.rid]))] });
  }
  const quality = existsSync(path.join(runDir, 'quality.csv')) ? readCsv(path.join(runDir, 'quality.csv')) : [];
  const metric = quality.some((r) => filled(r.vmaf_mean)) ? 'vmaf_mean' : 'psnr_y_mean';
  for (const r of quality) {
    const kbps = r.size === 'native' ? r.target_kbps || r.actual_kbps : r.actual_kbps || r.target_kbps;
    if (!filled(r[metric]) || !filled(kbps)) continue;
    const id = `quality-${r.codec}-${r.size}`;
    const e = out.get(id) ?? { points: 0, colors: [] };
    e.points++;
    if (!e.colors.includes(RID_COLOR[r.rid])) e.colors.push(RID_COLOR[r.rid]);
    out.set(id, e);
  }
  const frames = existsSync(path.join(runDir, 'pictures.csv')) ? readCsv(path.join(runDir, 'pictures.csv')) : [];
  const frameMetric = frames.some((r) => filled(r.vmaf)) ? 'vmaf' : 'psnr_y';
  // The per-frame chart opens on the layers' own size.
  for (const r of frames.filter((f) => f.size === 'native' && filled(f[frameMetric]))) {
    const id = `frames-${r.scenario_id}`;
    const e = out.get(id) ?? { points: 0, colors: [] };
    e.points++;
    if (!e.colors.includes(RID_COLOR[r.rid])) e.colors.push(RID_COLOR[r.rid]);
    out.set(id, e);
  }
  return out;
}

interface ChartSummary {
  id: string;
  kind: string;
  points: number;
  series: { label: string; color: string; points: number; data: boolean }[];
}

interface PageResult {
  errors: string[];
  requests: string[];
  charts: ChartSummary[];
  /** Per chart id: pixels of each expected colour on its canvas. */
  pixels: Record<string, Record<string, number>>;
  text: string;
  /** What `interact` returned (run after everything above was read). */
  extra?: unknown;
}

async function openReport(
  file: string,
  screenshot: string,
  colorsById: Record<string, string[]>,
  interact?: (page: Page) => Promise<unknown>,
): Promise<PageResult> {
  if (!browser) throw new Error('no browser');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const ready = await page.evaluate(() => (window as unknown as { __simqReady?: boolean }).__simqReady === true);
    if (!ready)
      return {
        errors: [...errors, 'page script did not finish (__simqReady unset)'],
        requests,
        charts: [],
        pixels: {},
        text: '',
      };
    const charts = await page.evaluate(() => (window as unknown as { __simqCharts: ChartSummary[] }).__simqCharts);
    const pixels = await page.evaluate((wanted: Record<string, string[]>) => {
      const out: Record<string, Record<string, number>> = {};
      for (const [id, colors] of Object.entries(wanted)) {
        const canvas = document.querySelector(`[data-chart="${id}"] canvas`) as HTMLCanvasElement | null;
        out[id] = {};
        if (!canvas) continue;
        const img = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (const color of colors) {
          const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
          let n = 0;
          for (let p = 0; p < img.length; p += 4) {
            if (
              img[p + 3] > 200 &&
              Math.abs(img[p] - want[0]) < 16 &&
              Math.abs(img[p + 1] - want[1]) < 16 &&
              Math.abs(img[p + 2] - want[2]) < 16
            )
              n++;
          }
          out[id][color] = n;
        }
      }
      return out;
    }, colorsById);
    const text = await page.evaluate(() => document.body.innerText);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
    const extra = interact ? await interact(page) : undefined;
    return { errors, requests, charts, pixels, text, extra };
  } finally {
    await page.close();
  }
}

function checkPage(result: PageResult, file: string, expected: Map<string, ExpectedChart>): void {
  expect(result.errors).toEqual([]);
  expect(result.requests).toEqual([pathToFileURL(file).href]);
  expect(result.charts.map((c) => c.id).sort()).toEqual([...expected.keys()].sort());
  for (const chart of result.charts) {
    const want = expected.get(chart.id)!;
    expect({ id: chart.id, points: chart.points }).toEqual({ id: chart.id, points: want.points });
    for (const color of want.colors) {
      // A layer's line or markers: at least a few dozen pixels of its colour (axes and grid are grey).
      expect({ id: chart.id, color, drawn: result.pixels[chart.id][color] > 20 }).toEqual({
        id: chart.id,
        color,
        drawn: true,
      });
    }
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-report-test-'));
  browser = await chromium.launch({
    executablePath: locateChrome().path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('fixture run: no errors, no requests, every chart drawn, the recommendation shown', async () => {
    const dir = copyRun(FIXTURE, 'fixture');
    const file = writeReport(dir, { now: new Date('2025-03-02T00:00:00Z') });
    expect(file).toBe(path.join(dir, 'report.html'));
    const expected = expectedCharts(dir);
    // 6 scenarios x (timeline + per-frame) + native and 3 viewer sizes for VP8.
    expect(expected.size).toBe(16);
    const colors = Object.fromEntries([...expected].map(([id, e]) => [id, e.colors]));
    // Switch the first per-frame chart to the 640x360 viewer: it redraws with that size's pictures.
    const switched = await openReport(file, 'report.png', colors, async (page) => {
      await page.selectOption('[data-chart="frames-all-layers.vp8"] >> xpath=.. >> select', {
        label: '640x360 viewer',
      });
      return page.evaluate(() =>
        (window as unknown as { __simqCharts: { id: string; view: string; points: number }[] }).__simqCharts.find(
          (c) => c.id === 'frames-all-layers.vp8',
        ),
      );
    });
    const result = switched;
    checkPage(result, file, expected);
    expect(result.errors).toEqual([]);
    const at640 = readCsv(path.join(dir, 'pictures.csv')).filter(
      (r) => r.scenario_id === 'all-layers.vp8' && r.size === '640x360',
    ).length;
    expect(result.extra).toEqual({
      id: 'frames-all-layers.vp8',
      kind: 'frame-quality',
      title: expect.any(String),
      view: '640x360',
      points: at640,
      series: expect.any(Array),
    });

    // The sweep points: three h points at native size, one per maxBitrate, in the native chart.
    const native = result.charts.find((c) => c.id === 'quality-vp8-native')!;
    expect(native.series.find((s) => s.label.startsWith('h'))!.points).toBe(
      readCsv(path.join(dir, 'quality.csv')).filter((r) => r.rid === 'h' && r.size === 'native').length,
    );
    // The recommendation's numbers as recommendation.json has them.
    const rec = JSON.parse(readFileSync(path.join(dir, 'recommendation.json'), 'utf8'));
    const h = rec.codecs[0].layers.find((l: { rid: string }) => l.rid === 'h').advice;
    expect(result.text).toContain('maxBitrate per layer');
    expect(result.text).toMatch(
      new RegExp(`h\\s+640x360\\s+lower\\s+${h.rule}\\s+${h.wantedKbps}\\s+${Math.round(h.maxBitrate / 1000)}`),
    );
    for (const w of rec.warnings) expect(result.text).toContain(w.message);
    expect(result.text).toContain('SFU layer selection');
    // The flagged model comparison of the capped scenario (run.json: f predicted 320, measured 420).
    expect(result.text).toMatch(/all-layers\.vp8\.bw1200k f: predicted target 320 kbps, browser 420 kbps/);
    // Frozen pictures: the fixture's q layer in all-layers.vp8 repeats 3 pictures at native size.
    expect(result.text).toContain("(3 at the layers' own size)");
  });
});
