// The measure stage: for every captured layer, find each frame's source frame (alignment), then
// VMAF / PSNR / SSIM per frame at the layer's own size and at each viewport, in parallel jobs.
// Reads the run directory the capture stage wrote; writes quality.csv, pictures.csv and run.json's
// "measure" record. Scenarios or layers that cannot be measured are reported, the rest is kept.
// The steps, each taking the previous one's layers (MeasureStepTypes.ts): open (measureOpen.ts),
// align and follow (measureAlign.ts), verify (measureVerify.ts), plan (measurePlan.ts), the metric
// jobs (measureMetrics.ts), the rows (measureRows.ts).
import { rmSync } from 'node:fs';
import os from 'node:os';
import { ExitCode, SimqError } from '../errors.js';
import { writeFilesAtomic } from '../io/atomicWrite.js';
import { toCsv } from '../io/csv.js';
import { PICTURE_COLUMNS, type PictureRow, type QualityRow } from '../rundir/CsvTypes.js';
import type { MeasureRecord } from '../rundir/MeasureTypes.js';
import { RUN_FILE } from '../rundir/RunDirectory.js';
import { LEGACY_PICTURES_CSV, PICTURES_CSV, QUALITY_CSV, runFile } from '../rundir/RunFiles.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import type { Size } from '../units.js';
import { alignLayers, followBestAlignedLayers } from './measureAlign.js';
import { finishMetricJobs, queueMetricJobs, startMetricJobs } from './measureMetrics.js';
import { layersToMeasure, openMeasure, qualityColumnsOf } from './measureOpen.js';
import { planLayerPictures } from './measurePlan.js';
import { keptRowsCsv } from './measureResume.js';
import { addLayerTimelines, layerRows, temporalRows, viewerRows } from './measureRows.js';
import type { LayerTarget, MeasureContext, MeasureOptions, PlannedLayer } from './MeasureStepTypes.js';
import { measureFeedShift, verifyPairings } from './measureVerify.js';
import type { ViewerRows } from './viewer/measureViewers.js';

export const DEFAULT_VIEWPORTS: Size[] = [
  { width: 320, height: 180 },
  { width: 640, height: 360 },
  { width: 1280, height: 720 },
];

export function defaultJobs(): number {
  return Math.max(1, os.cpus().length);
}

export async function runMeasureStage(
  options: MeasureOptions,
): Promise<{ record: RunRecord; measure: MeasureRecord; rows: QualityRow[]; error?: SimqError }> {
  const ctx = openMeasure(options);
  const started = Date.now();
  const targets = layersToMeasure(ctx);
  const aligned = await alignLayers(options, targets);
  const led = followBestAlignedLayers(aligned);
  // Each scenario's metric jobs start once its pairings are verified, while later ones are verified.
  const metrics = startMetricJobs(ctx);
  const planned: PlannedLayer[] = [];
  await verifyPairings(options, led, (verified) => {
    const layers = planLayerPictures(ctx, verified);
    planned.push(...layers);
    queueMetricJobs(ctx, metrics, layers);
  });
  if (ctx.run.input.feed) ctx.measure.feedShift = await measureFeedShift(options, ctx.run, planned);
  const { done, error } = await finishMetricJobs(ctx, metrics, planned);

  const rows = layerRows(planned, done, options.view);
  if (options.temporalLayers) rows.quality.push(...(await temporalRows(ctx, planned, rows.quality, metrics.runner)));
  addLayerTimelines(aligned, planned, done);
  const viewers = await viewerRows(ctx, targets, metrics.runner);
  rows.quality.push(...viewers.quality);
  rows.pictures.push(...viewers.pictures);
  return writeMeasure(ctx, { targets, viewers, ...rows }, started, error);
}

/** The end of a measure: the errors, the measure record, and the three files written together. */
function writeMeasure(
  ctx: MeasureContext,
  out: { targets: LayerTarget[]; viewers: ViewerRows; quality: QualityRow[]; pictures: PictureRow[] },
  started: number,
  jobError: SimqError | undefined,
): { record: RunRecord; measure: MeasureRecord; rows: QualityRow[]; error?: SimqError } {
  const { options, run, measure, kept } = ctx;
  const { targets, viewers } = out;
  const qualityColumns = qualityColumnsOf(run, options.runDir);
  if (qualityColumns.includes('browser'))
    for (const r of out.quality)
      r.browser = run.scenarios.find((s) => s.id === r.scenario_id)?.scenario.browser ?? 'chromium';
  const qualityText = kept
    ? keptRowsCsv(kept.quality, qualityColumns, out.quality)
    : toCsv(qualityColumns, out.quality);
  const picturesText = kept
    ? keptRowsCsv(kept.pictures, PICTURE_COLUMNS, out.pictures)
    : toCsv(PICTURE_COLUMNS, out.pictures);

  measure.layers = [...(kept?.layers ?? []), ...targets.map((w) => w.record)];
  if (viewers.records.length || kept?.viewers?.length) measure.viewers = [...(kept?.viewers ?? []), ...viewers.records];
  const error = jobError ?? incompleteError(targets, viewers);
  measure.status = error || measure.skippedScenarios.length ? 'incomplete' : 'complete';
  measure.finishedAt = new Date().toISOString();
  run.measure = measure;
  run.timings.measureS =
    Math.round(((kept ? (run.timings.measureS ?? 0) : 0) + (Date.now() - started) / 1000) * 10) / 10;
  // The three files of one measure go down together (io/atomicWrite.ts writeFilesAtomic): on a full
  // disk the previous quality.csv, pictures.csv and run.json stay as they were, side by side.
  writeFilesAtomic([
    { target: runFile(options.runDir, QUALITY_CSV), data: qualityText },
    { target: runFile(options.runDir, PICTURES_CSV), data: picturesText },
    { target: runFile(options.runDir, RUN_FILE), data: JSON.stringify(run, null, 2) + '\n' },
  ]);
  // A run measured before pictures.csv had its name keeps no stale frames.csv beside the new file.
  rmSync(runFile(options.runDir, LEGACY_PICTURES_CSV), { force: true });
  return { record: run, measure, rows: out.quality, error };
}

/** Viewers, then layers, that could not be measured: the run is incomplete. */
function incompleteError(targets: LayerTarget[], viewers: ViewerRows): SimqError | undefined {
  const failedViewers = viewers.records.filter((v) => v.status === 'failed');
  if (failedViewers.length > 0)
    return new SimqError(
      `some viewers could not be measured: ${failedViewers.map((v) => `${v.scenarioId} ${v.viewer}`).join(', ')}`,
      ExitCode.incomplete,
    );
  const failedLayers = targets.filter((w) => w.record.status === 'failed');
  if (failedLayers.length > 0)
    return new SimqError(
      `some layers could not be measured: ${failedLayers.map((w) => `${w.scenario.id} ${w.layer.rid}`).join(', ')}`,
      ExitCode.incomplete,
    );
  return undefined;
}
