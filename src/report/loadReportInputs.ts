// Everything a report shows, read from one run directory: run.json, each scenario's stats.csv, and,
// when the later stages ran, quality.csv, frames.csv and recommendation.json. A stage that did not
// run yet is not an error: its part of the report is left out and the header says why.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StatsRow } from '../capture/StatsTimeline.js';
import { InputError } from '../errors.js';
import type { MeasureRecord } from '../measure/measureStage.js';
import type { FrameRow } from '../measure/QualityTypes.js';
import { parseQualityCsv, type ParsedQualityRow } from '../recommend/qualityTable.js';
import { RECOMMENDATION_FILE, RECOMMENDATION_SCHEMA, type Recommendation } from '../recommend/RecommendationTypes.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import { readCsvFile } from './readCsvFile.js';

/** File names of the run-directory contract (RunTypes.ts header); measureStage.ts exports the same
 *  names but importing it would load the ffmpeg modules just to read three CSVs. */
export const STATS_FILE = 'stats.csv';
export const QUALITY_FILE = 'quality.csv';
export const FRAMES_FILE = 'frames.csv';

export interface ReportInputs {
  runDir: string;
  run: RunRecord;
  measure?: MeasureRecord;
  /** stats.csv rows per scenario id (scenarios without the file are absent). */
  stats: Map<string, StatsRow[]>;
  quality?: ParsedQualityRow[];
  frames?: FrameRow[];
  recommendation?: Recommendation;
  /** Parts left out, in words (shown in the header). */
  notes: string[];
}

const STATS_SPEC = {
  required: ['second', 't_s', 'warmup', 'rid', 'target_kbps', 'actual_kbps'],
  numeric: ['second', 't_s', 'warmup', 'ssrc', 'target_kbps', 'actual_kbps', 'fps', 'width', 'height', 'qp_avg', 'limitation_cpu_s', 'limitation_bandwidth_s', 'frames_encoded', 'key_frames_encoded', 'available_outgoing_kbps', 'bandwidth_cap_kbps'],
  fix: 'capture the run again: simq capture <clip> (stats.csv is written by the capture stage)',
} as const;

const FRAMES_SPEC = {
  required: ['scenario_id', 'rid', 'size', 'time_s', 'frozen', 'vmaf', 'psnr_y'],
  numeric: ['display_index', 'source_index', 'frame_index', 'frozen', 'time_s', 'warmup', 'vmaf', 'psnr_y', 'psnr_avg', 'ssim'],
  fix: 'measure the run again: simq measure <run-dir> --force',
} as const;

function readRecommendation(file: string): Recommendation {
  let doc: Recommendation;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Recommendation;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, 'recompute it: simq recommend <run-dir>');
  }
  if (doc?.schema !== RECOMMENDATION_SCHEMA) {
    throw new InputError(`${file}: schema "${String(doc?.schema)}" is not ${RECOMMENDATION_SCHEMA}; this simq cannot show it`, 'recompute it: simq recommend <run-dir>');
  }
  return doc;
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
    const file = path.join(dir, s.id, STATS_FILE);
    if (!existsSync(file)) {
      notes.push(`${s.id}: no ${STATS_FILE} (scenario ${s.status}${s.error ? `: ${s.error}` : ''}), no bitrate timeline`);
      continue;
    }
    stats.set(s.id, readCsvFile(file, STATS_SPEC) as StatsRow[]);
  }

  let quality: ParsedQualityRow[] | undefined;
  const qualityFile = path.join(dir, QUALITY_FILE);
  if (existsSync(qualityFile)) {
    const text = readFileSync(qualityFile, 'utf8');
    if (hasRows(text)) quality = parseQualityCsv(text, qualityFile);
    else notes.push(`${QUALITY_FILE} has no rows: the measure stage measured no layer`);
  } else {
    notes.push(`no ${QUALITY_FILE}: the run is not measured yet (simq measure ${runDir}), so no quality charts`);
  }

  let frames: FrameRow[] | undefined;
  const framesFile = path.join(dir, FRAMES_FILE);
  if (existsSync(framesFile)) frames = readCsvFile(framesFile, FRAMES_SPEC) as FrameRow[];
  else if (quality) notes.push(`no ${FRAMES_FILE}: no per-frame charts`);

  const recFile = path.join(dir, RECOMMENDATION_FILE);
  const recommendation = existsSync(recFile) ? readRecommendation(recFile) : undefined;

  return { runDir: dir, run, measure: run.measure as MeasureRecord | undefined, stats, quality, frames, recommendation, notes };
}
