// The HTML report without a browser (simq report and its contents): built for a hand-made run
// directory (test/fixtures/report-run, made by test/fixtures/make-report-run.mjs, with a
// recommendation.json from the real engine). The page in headless Chromium: report.browser.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/buildReport.js';
import { upperEnvelope } from '../src/report/charts/qualityVsBitrate.js';
import { loadReportInputs } from '../src/report/loadReportInputs.js';
import { loadUplotAssets } from '../src/report/uplotAssets.js';
import { copyRunText } from './helpers/reportRun.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/report-run');
const BIN = path.join(ROOT, 'bin/simq');

type Row = Record<string, string>;
const readCsv = (file: string): Row[] =>
  parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

let tmp: string;

/** A copy of a run directory's text files (run.json, CSVs, recommendation.json): no media. */
function copyRun(src: string, name: string, options: { recommendation?: boolean } = {}): string {
  return copyRunText(src, path.join(tmp, name), options);
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-report-cli-test-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the fixture run', () => {
  it('has a recommendation.json valid against the schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(
      JSON.parse(readFileSync(path.join(ROOT, 'schemas/recommendation.schema.json'), 'utf8')),
    );
    const ok = validate(JSON.parse(readFileSync(path.join(FIXTURE, 'recommendation.json'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('report contents without a browser', () => {
  it('upper envelope: keeps each point no cheaper point beats', () => {
    // Worked by hand: (100,50) starts it; (200,45) is beaten by (100,50); (300,60) and (500,70) climb;
    // (500,65) loses the tie on kbps; (800,70) is no better than (500,70).
    const pts = [
      { x: 500, y: 65 },
      { x: 200, y: 45 },
      { x: 100, y: 50 },
      { x: 800, y: 70 },
      { x: 300, y: 60 },
      { x: 500, y: 70 },
    ];
    expect(upperEnvelope(pts).map((i) => pts[i])).toEqual([
      { x: 100, y: 50 },
      { x: 300, y: 60 },
      { x: 500, y: 70 },
    ]);
  });

  it('leaves the recommendation out when recommendation.json is absent', () => {
    const dir = copyRun(FIXTURE, 'no-rec', { recommendation: false });
    const { html, charts } = buildReport(loadReportInputs(dir), loadUplotAssets());
    expect(html).not.toContain('id="recommendation"');
    expect(charts.some((c) => c.hLines?.length)).toBe(false);
    expect(charts.filter((c) => c.kind === 'quality-vs-bitrate')).toHaveLength(4);
  });

  it('shows PSNR-Y, and says so, when the run has no VMAF', () => {
    const dir = copyRun(FIXTURE, 'no-vmaf', { recommendation: false });
    for (const name of ['quality.csv', 'pictures.csv']) {
      const rows = readCsv(path.join(dir, name));
      const cols = Object.keys(rows[0]);
      const blank = new Set(['vmaf_mean', 'vmaf_hmean', 'vmaf_p5', 'vmaf_min', 'vmaf']);
      writeFileSync(
        path.join(dir, name),
        [cols.join(','), ...rows.map((r) => cols.map((c) => (blank.has(c) ? '' : r[c])).join(','))].join('\n') + '\n',
      );
    }
    const { html, charts } = buildReport(loadReportInputs(dir), loadUplotAssets());
    expect(html).toContain('PSNR-Y is shown instead');
    const scored = charts.filter((c) => c.kind !== 'bitrate-timeline');
    expect(scored.length).toBeGreaterThan(0);
    for (const c of scored) expect(c.yLabel).toMatch(/^PSNR-Y \(dB\)/);
    // PSNR in the fixture is 22 + VMAF / 5: f at 640x360 in all-layers.vp8 (VMAF 89) plots 39.8 dB.
    const at640 = charts.find((c) => c.id === 'quality-vp8-640x360')!;
    const f = at640.views[0].series.find((s) => s.label === 'f')!;
    expect(f.values).toContain(39.8);
  });

  it('cannot be broken out of its <script> by a scenario name', () => {
    const dir = copyRun(FIXTURE, 'script-name', { recommendation: false });
    const runFile = path.join(dir, 'run.json');
    const run = JSON.parse(readFileSync(runFile, 'utf8'));
    run.scenarios[1].scenario.name = 'top-off</script><script>window.__pwned=1</script>';
    writeFileSync(runFile, JSON.stringify(run));
    const { html } = buildReport(loadReportInputs(dir), loadUplotAssets());
    // data, uPlot and the page script: three inline scripts and nothing else closes one.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('__pwned=1</script>');
  });
});

describe('simq report (CLI)', () => {
  const simq = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'report', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('writes report.html, refuses to overwrite it without --force (exit 6), replaces it with --force', () => {
    const dir = copyRun(FIXTURE, 'cli');
    const first = simq(dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const file = path.join(dir, 'report.html');
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    writeFileSync(file, 'kept');
    const second = simq(dir);
    expect(second.status).toBe(6);
    expect(second.stderr).toContain(`${file} already exists`);
    expect(second.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('kept');
    const forced = simq(dir, '--force');
    expect(forced.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const other = path.join(tmp, 'elsewhere', 'r.html');
    expect(simq(dir, '--out', other).status).toBe(0);
    expect(existsSync(other)).toBe(true);
  });

  it('exits 2 naming the folder when the run directory does not exist', () => {
    const missing = path.join(tmp, 'no-such-run');
    const r = simq(missing);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('does not exist');
  });
});
