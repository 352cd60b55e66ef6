// Every file name of a run directory and the paths built from them. Stages name files only through
// this module, so the layout in RunTypes.ts's header is the layout on disk.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { insideDir } from './validateRunRecord.js';

export const RUN_JSON = 'run.json';
export const LOCK_FILE = '.simq.lock';
/** Per scenario (capture). */
export const STATS_CSV = 'stats.csv';
/** Run level (measure). */
export const QUALITY_CSV = 'quality.csv';
export const PICTURES_CSV = 'pictures.csv';
/** pictures.csv's name in runs measured before the rename; still read when pictures.csv is absent. */
export const LEGACY_PICTURES_CSV = 'frames.csv';
/** The measure stage's scratch folder (decoded layers, metric logs); removed when it finishes. */
export const MEASURE_WORK_DIR = '.measure-work';
/** Run level (recommend, report). */
export const RECOMMENDATION_JSON = 'recommendation.json';
export const RECOMMENDATION_CSV = 'recommendation.csv';
export const REPORT_HTML = 'report.html';

/** The capture's list of encoded frames of one layer, inside its scenario folder. */
export function layerFramesName(rid: string): string {
  return `${rid}.frames.csv`;
}

/** One layer's bitstream: <rid>.ivf (VP8/VP9/AV1) or <rid>.h264 (Annex B). */
export function layerBitstreamName(rid: string, ext: string): string {
  return `${rid}.${ext}`;
}

/** An SVC encoding's raw tap: every spatial layer frame as its own IVF frame, <rid>.svc.ivf. */
export function svcRawBitstreamName(rid: string): string {
  return `${rid}.svc.ivf`;
}

export function runFile(runDir: string, name: string): string {
  return path.join(path.resolve(runDir), name);
}

/** A scenario's folder; the id was validated (one path component) when run.json was read. */
export function scenarioDir(runDir: string, scenarioId: string): string {
  return insideDir(runDir, scenarioId);
}

/** A file a layer record names (bitstream, framesCsv), kept inside its scenario folder. */
export function layerFile(scenarioFolder: string, name: string): string {
  return insideDir(scenarioFolder, name);
}

/** The measure stage's scratch folder, or a folder inside it. */
export function workDir(runDir: string, ...sub: string[]): string {
  return path.join(path.resolve(runDir), MEASURE_WORK_DIR, ...sub);
}

/** pictures.csv of a measured run, or frames.csv for a run measured before the rename; undefined when neither exists. */
export function picturesCsvToRead(runDir: string): string | undefined {
  for (const name of [PICTURES_CSV, LEGACY_PICTURES_CSV]) {
    const file = runFile(runDir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}
