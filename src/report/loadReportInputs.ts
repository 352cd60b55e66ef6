// Everything a report shows, read from one run directory: run.json, each scenario's stats.csv, and,
// when the later stages ran, quality.csv, pictures.csv (frames.csv in older runs) and recommendation.json. A stage that did not
// run yet is not an error: its part of the report is left out and the header says why.
import { checkRecommendation } from '../recommend/checkRecommendation.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { numericColumnsOf } from '../io/csvSchema.js';
import {
  PICTURES_SCHEMA,
  STATS_SCHEMA,
  type ParsedQualityRow,
  type PictureRow,
  type StatsRow,
} from '../rundir/CsvTypes.js';
import type { MeasureRecord } from '../rundir/MeasureTypes.js';
import { parseQualityCsv } from '../recommend/qualityTable.js';
import type { Recommendation } from '../recommend/RecommendationTypes.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import {
  PICTURES_CSV,
  picturesCsvToRead,
  QUALITY_CSV,
  RECOMMENDATION_JSON,
  runFile,
  scenarioDir,
  STATS_CSV,
} from '../rundir/RunFiles.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import { readCsvFile } from '../io/readCsv.js';

export interface ReportInputs {
  runDir: string;
  run: RunRecord;
  measure?: MeasureRecord;
  /** stats.csv rows per scenario id (scenarios without the file are absent). */
  stats: Map<string, StatsRow[]>;
  quality?: ParsedQualityRow[];
  frames?: PictureRow[];
  recommendation?: Recommendation;
  /** Parts left out, in words (shown in the header). */
  notes: string[];
}

const STATS_SPEC = {
  required: ['second', 't_s', 'warmup', 'rid', 'target_kbps', 'actual_kbps'] satisfies (keyof StatsRow)[],
  numeric: numericColumnsOf(STATS_SCHEMA),
  fix: 'capture the run again: simq capture <clip> (stats.csv is written by the capture stage)',
} as const;

const PICTURES_SPEC = {
  required: ['scenario_id', 'rid', 'size', 'time_s', 'frozen', 'vmaf', 'psnr_y'] satisfies (keyof PictureRow)[],
  numeric: numericColumnsOf(PICTURES_SCHEMA),
  fix: 'measure the run again: simq measure <run-dir> --force',
} as const;

function readRecommendation(file: string): Recommendation {
  const fix = 'recompute it: simq recommend <run-dir>';
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, fix);
  }
  return checkRecommendation(doc, file, fix);
}

/** True when a CSV file holds at least one row under its header. */
function hasRows(text: string): boolean {
  return text.split('\n').filter((l) => l.trim() !== '').length > 1;
}

export function loadReportInputs(runDir: string): ReportInputs {
  const run = readRunRecord(runDir);
  const dir = path.resolve(runDir);
  const notes: string[] = [];

  const stats = new Map<string, StatsRow[]>();
  for (const s of run.scenarios) {
    const file = path.join(scenarioDir(dir, s.id), STATS_CSV);
    if (!existsSync(file)) {
      notes.push(
        `${s.id}: no ${STATS_CSV} (scenario ${s.status}${s.error ? `: ${s.error}` : ''}), no bitrate timeline`,
      );
      continue;
    }
    stats.set(s.id, readCsvFile(file, STATS_SPEC) as StatsRow[]);
  }

  let quality: ParsedQualityRow[] | undefined;
  const qualityFile = runFile(dir, QUALITY_CSV);
  if (existsSync(qualityFile)) {
    const text = readFileSync(qualityFile, 'utf8');
    if (hasRows(text)) quality = parseQualityCsv(text, qualityFile);
    else notes.push(`${QUALITY_CSV} has no rows: the measure stage measured no layer`);
  } else {
    notes.push(`no ${QUALITY_CSV}: the run is not measured yet (simq measure ${runDir}), so no quality charts`);
  }

  let frames: PictureRow[] | undefined;
  const picturesFile = picturesCsvToRead(dir);
  if (picturesFile) frames = readCsvFile(picturesFile, PICTURES_SPEC) as PictureRow[];
  else if (quality) notes.push(`no ${PICTURES_CSV}: no per-frame charts`);

  const recFile = runFile(dir, RECOMMENDATION_JSON);
  const recommendation = existsSync(recFile) ? readRecommendation(recFile) : undefined;

  return { runDir: dir, run, measure: run.measure, stats, quality, frames, recommendation, notes };
}
