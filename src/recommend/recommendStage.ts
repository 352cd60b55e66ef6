// The recommend stage as `simq analyze` and `simq recommend` run it: read the run directory, decide,
// write recommendation.json and recommendation.csv beside quality.csv. Prints nothing.
import path from 'node:path';
import { OutputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { renderRecommendationCsv } from './exports/csv.js';
import { renderRecommendationJson } from './exports/json.js';
import { readQualityTable } from './qualityTable.js';
import { recommend, type RecommendOptions } from './recommend.js';
import { acrossClips, clipTable } from './acrossClips.js';
import { RECOMMENDATION_CSV_FILE, RECOMMENDATION_FILE, type Recommendation } from './RecommendationTypes.js';

export interface RecommendStageOptions extends Omit<RecommendOptions, 'runDir'> {
  /** Runs of several clips: the share of clips the across-clips maxBitrate must reach the target on (default 1: every clip). */
  clipShare?: number;
  /** Write recommendation.json / .csv into the run directory (default true). */
  save?: boolean;
}

export function writeTextFile(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw new OutputError(
      (e as Error).message,
      'free some space or choose a writable path, or --no-save to leave the run directory alone',
    );
  }
}

/** Decides for the run in runDir; returns the record and the files written. */
export function runRecommendStage(
  runDir: string,
  options: RecommendStageOptions,
): { recommendation: Recommendation; files: string[] } {
  const table = readQualityTable(runDir);
  // A shard run may hold the scenarios of some clips only: the others have nothing to recommend.
  const clips = table.run.clips.filter((c) => table.run.scenarios.some((s) => s.clipId === c.id));
  let recommendation: Recommendation;
  if (clips.length === 0) recommendation = recommend(table, { ...options, runDir });
  else if (clips.length === 1) recommendation = recommend(clipTable(table, clips[0]), { ...options, runDir });
  else {
    // Each clip on its own; the first stands for the sender tables, the study part holds them all.
    const perClip = clips.map((c) => ({
      clipId: c.id,
      recommendation: recommend(clipTable(table, c), { ...options, runDir }),
    }));
    const clipShare = options.clipShare ?? 1;
    recommendation = {
      ...perClip[0].recommendation,
      study: {
        clipShare,
        clips: clips.map((c) => ({
          id: c.id,
          ...(c.label ? { label: c.label } : {}),
          name: path.basename(c.source),
          sha256: c.sourceSha256,
        })),
        acrossClips: acrossClips(perClip, clipShare),
        perClip,
      },
    };
  }
  const files: string[] = [];
  if (options.save ?? true) {
    const json = path.join(runDir, RECOMMENDATION_FILE);
    const csv = path.join(runDir, RECOMMENDATION_CSV_FILE);
    writeTextFile(json, renderRecommendationJson(recommendation));
    writeTextFile(csv, renderRecommendationCsv(recommendation));
    files.push(json, csv);
  }
  return { recommendation, files };
}
