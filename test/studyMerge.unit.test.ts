// simq merge and measure --resume's row keeping, without a browser: the hand-made run
// (test/fixtures/recommend) split by hand into two shard runs. The merged run must give the
// recommendation the unsplit run gives (computed from the unsplit run, not from the merge), and
// shards that do not belong together are refused with the field named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../src/io/csv.js';
import { keptRowsCsv } from '../src/measure/measureResume.js';
import { runRecommendStage } from '../src/recommend/recommendStage.js';
import { QUALITY_COLUMNS } from '../src/rundir/CsvTypes.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { parse } from 'csv-parse/sync';
import { mergeRuns } from '../src/study/mergeRuns.js';
import { handmadeQualityRows, handmadeRun, writeHandmadeRunDir } from './fixtures/recommend/handmade.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'simq-merge-test-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const NOW = new Date('2025-01-02T00:00:00.000Z');

/** Shard k of 2: every other scenario of the hand-made run, with its quality rows and a scenario folder. */
function writeShard(name: string, index: number, edit: (r: RunRecord) => void = () => {}): string {
  const dir = path.join(TMP, name);
  const full = handmadeRun();
  const ids = full.scenarios.map((s) => s.id);
  const run: RunRecord = {
    ...full,
    runId: name,
    plan: { hash: 'plan-hash', scenarioIds: ids, shard: { index, count: 2 } },
  };
  run.scenarios = full.scenarios.filter((_, i) => i % 2 === index - 1);
  edit(run);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify(run, null, 2));
  const keep = new Set(run.scenarios.map((s) => s.id));
  writeFileSync(
    path.join(dir, 'quality.csv'),
    toCsv(
      QUALITY_COLUMNS,
      handmadeQualityRows().filter((r) => keep.has(r.scenario_id)),
    ),
  );
  for (const s of run.scenarios) {
    mkdirSync(path.join(dir, s.id));
    writeFileSync(path.join(dir, s.id, 'stats.csv'), `second\n${s.id}\n`);
  }
  return dir;
}

describe('simq merge', () => {
  const a = writeShard('a', 1);
  const b = writeShard('b', 2);

  it('the merged run recommends exactly what the unsplit run recommends', async () => {
    const merged = await mergeRuns({ runs: [a, b], out: path.join(TMP, 'merged'), argv: ['merge'] });
    const whole = path.join(TMP, 'whole');
    writeHandmadeRunDir(whole);
    expect(merged.record.scenarios.map((s) => s.id)).toEqual(handmadeRun().scenarios.map((s) => s.id));
    const options = { simqVersion: 't', now: NOW, save: false };
    const fromMerged = runRecommendStage(merged.dir, options).recommendation;
    const fromWhole = runRecommendStage(whole, options).recommendation;
    expect(fromMerged.codecs).toEqual(fromWhole.codecs);
    expect(fromMerged.warnings).toEqual(fromWhole.warnings);
    for (const s of merged.record.scenarios)
      expect(readFileSync(path.join(merged.dir, s.id, 'stats.csv'), 'utf8')).toContain(s.id);
  });

  it('refuses a scenario held by two shards and a plan scenario held by none', async () => {
    await expect(mergeRuns({ runs: [a, a], out: path.join(TMP, 'twice'), argv: [] })).rejects.toThrow(
      /is in two shard runs/,
    );
    await expect(mergeRuns({ runs: [a], out: path.join(TMP, 'half'), argv: [] })).rejects.toThrow(
      /lack 4 scenario\(s\) of the plan: top-off\.vp8, /,
    );
    expect(existsSync(path.join(TMP, 'twice'))).toBe(false);
  });

  it('refuses another browser or libvmaf or plan, naming the field; --allow-mixed records it', async () => {
    const other = writeShard('b-browser', 2, (r) => (r.environment.browser.version = 'Chromium 999'));
    await expect(mergeRuns({ runs: [a, other], out: path.join(TMP, 'x'), argv: [] })).rejects.toThrow(
      /environment\.browser\.version differs \("Chromium 156" vs "Chromium 999"\)/,
    );
    const plan = writeShard('b-plan', 2, (r) => (r.plan!.hash = 'another'));
    await expect(mergeRuns({ runs: [a, plan], out: path.join(TMP, 'y'), argv: [] })).rejects.toThrow(
      /plan\.hash differs/,
    );
    const ok = await mergeRuns({ runs: [a, other], out: path.join(TMP, 'mixed'), argv: [], allowMixed: true });
    expect(ok.record.merge?.mixed).toEqual([
      { field: 'environment.browser.version', values: ['Chromium 156', 'Chromium 999'] },
    ]);
  });

  it('never writes over an existing run', async () => {
    await expect(mergeRuns({ runs: [a, b], out: path.join(TMP, 'merged'), argv: [] })).rejects.toThrow(
      /already exists/,
    );
  });
});

describe('measure --resume keeps rows as written', () => {
  const records = (csv: string) => parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

  it('header, kept cells untouched (no re-formatting), then the new rows', () => {
    const rows = handmadeQualityRows();
    const kept = records(toCsv(QUALITY_COLUMNS, rows.slice(0, 2)));
    const text = keptRowsCsv({ records: kept }, QUALITY_COLUMNS, rows.slice(2, 3));
    expect(text).toBe(toCsv(QUALITY_COLUMNS, rows.slice(0, 3)));
  });

  it('rows of a Chromium-only file (no browser column) kept under the same columns, byte for byte', () => {
    const chromiumOnly = QUALITY_COLUMNS.filter((c) => c !== 'browser');
    const rows = handmadeQualityRows();
    const kept = records(toCsv(chromiumOnly, rows.slice(0, 2)));
    expect(Object.keys(kept[0])).toHaveLength(QUALITY_COLUMNS.length - 1);
    expect(keptRowsCsv({ records: kept }, chromiumOnly, rows.slice(2, 3))).toBe(toCsv(chromiumOnly, rows.slice(0, 3)));
  });
});
