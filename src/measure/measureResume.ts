// measure --resume: keep what an earlier measure of the run finished (its quality.csv and pictures.csv
// rows, its per-layer records) and measure only the scenarios it did not, with the same settings.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { toCsv, type CsvValue } from '../io/csv.js';
import { PICTURES_CSV, picturesCsvToRead, QUALITY_CSV, runFile } from '../rundir/RunFiles.js';
import type { LayerMeasureRecord, MeasureRecord, ViewerMeasureRecord } from '../rundir/MeasureTypes.js';
import type { RunRecord } from '../rundir/RunTypes.js';

export interface KeptRows {
  /** Cells of the kept rows as they were written (text, no re-formatting of numbers), by column name. */
  records: Record<string, string>[];
}

export interface KeptMeasurements {
  scenarioIds: Set<string>;
  layers: LayerMeasureRecord[];
  /** SFU viewers of the kept scenarios (measure.viewers). */
  viewers: ViewerMeasureRecord[];
  quality: KeptRows;
  pictures: KeptRows;
}

/** Settings that change the numbers: a measurement made with others is not kept beside new ones. */
function settingsOf(m: MeasureRecord): Record<string, string> {
  return {
    'measure.viewports': (m.viewports ?? []).join(','),
    'measure.view': String(m.view),
    'measure.subsample': String(m.subsample ?? 1),
    'measure.includeWarmup': String(Boolean(m.includeWarmup)),
    'measure.vmaf.backend': String(m.vmaf?.backend),
    'measure.vmaf.libvmaf': JSON.stringify(m.vmaf?.libvmaf ?? null),
  };
}

/**
 * The rows of `file` for the kept scenarios. Any column set this release writes is accepted (a
 * Chromium-only run has no `browser` column, a run with Firefox has it): the cells are kept by
 * name and written back under the columns of the new file. A column this release does not know
 * means another schema, whose rows cannot stand beside new ones.
 */
function keptRecords(file: string | undefined, scenarioIds: Set<string>, columns: readonly string[]): KeptRows {
  if (!file || !existsSync(file)) return { records: [] };
  const records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const header = Object.keys(records[0] ?? {});
  const unknown = header.filter((c) => !columns.includes(c));
  if (records.length && (unknown.length || !header.includes('scenario_id'))) {
    throw new InputError(
      `${file}: its columns are not this simq's (${unknown.length ? `unknown: ${unknown.join(', ')}` : 'no scenario_id'}); its rows cannot be kept beside new ones`,
      'measure the whole run again: simq measure <run-dir> --force',
    );
  }
  return { records: records.filter((r) => scenarioIds.has(r.scenario_id)) };
}

export function keptMeasurements(
  runDir: string,
  run: RunRecord,
  next: MeasureRecord,
  columns: { quality: readonly string[]; pictures: readonly string[] },
): KeptMeasurements {
  const previous = run.measure;
  const none: KeptMeasurements = {
    scenarioIds: new Set(),
    layers: [],
    viewers: [],
    quality: { records: [] },
    pictures: { records: [] },
  };
  if (!previous) return none;
  const was = settingsOf(previous);
  const now = settingsOf(next);
  const differ = Object.keys(was).filter((k) => was[k] !== now[k]);
  if (differ.length) {
    throw new InputError(
      `--resume: the run was measured with other settings (${differ.map((k) => `${k} ${was[k]} vs ${now[k]}`).join('; ')}); new scores would not compare with the kept ones`,
      'resume with the same measure options, or measure everything again with --force',
    );
  }
  const byScenario = new Map<string, LayerMeasureRecord[]>();
  for (const l of previous.layers) byScenario.set(l.scenarioId, [...(byScenario.get(l.scenarioId) ?? []), l]);
  const scenarioIds = new Set(
    run.scenarios
      .filter(
        (s) =>
          (s.status === 'complete' || s.status === 'degraded') &&
          byScenario.get(s.id)?.every((l) => l.status === 'measured'),
      )
      .map((s) => s.id),
  );
  next.warnings.push(
    ...previous.warnings.filter(
      (w) => [...scenarioIds].some((id) => w.startsWith(`${id} `)) && !next.warnings.includes(w),
    ),
  );
  return {
    scenarioIds,
    layers: previous.layers.filter((l) => scenarioIds.has(l.scenarioId)),
    viewers: (previous.viewers ?? []).filter((v) => scenarioIds.has(v.scenarioId)),
    quality: keptRecords(runFile(runDir, QUALITY_CSV), scenarioIds, columns.quality),
    pictures: keptRecords(picturesCsvToRead(runDir) ?? runFile(runDir, PICTURES_CSV), scenarioIds, columns.pictures),
  };
}

/** The CSV text: header, the kept rows under these columns (cells as they were), then the new rows. */
export function keptRowsCsv<T extends Record<string, CsvValue>>(
  kept: KeptRows,
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): string {
  const fresh = toCsv(columns, rows).split('\n');
  const header = fresh[0];
  const body = fresh.slice(1).filter((l) => l !== '');
  // Kept cells were made safe for spreadsheets when first written (io/csv.ts): not neutralised twice.
  const keptBody = kept.records.length
    ? stringify(kept.records.map((r) => columns.map((c) => r[c] ?? '')))
        .trimEnd()
        .split('\n')
    : [];
  return [header, ...keptBody, ...body].join('\n') + '\n';
}
