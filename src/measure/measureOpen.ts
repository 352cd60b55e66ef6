// The measure stage's first step: run.json read, earlier measurements kept or refused, the reference
// clips opened, and every captured layer of a measurable scenario listed (LayerTarget).
import { existsSync } from 'node:fs';
import { InputError, OutputError } from '../errors.js';
import { Y4mFile } from '../input/Y4mFile.js';
import { shellCommand } from '../io/shellQuote.js';
import { PICTURE_COLUMNS, QUALITY_COLUMNS, VIEWER_QUALITY_COLUMNS, type QualityRow } from '../rundir/CsvTypes.js';
import type { MeasureRecord, MeasureSettings } from '../rundir/MeasureTypes.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import { PICTURES_CSV, QUALITY_CSV, runFile, scenarioDir } from '../rundir/RunFiles.js';
import { clipOfScenario, type ReferenceClip, type RunRecord, type ScenarioRecord } from '../rundir/RunTypes.js';
import { metricMallocEnv } from '../tools/mallocTuning.js';
import type { Progress } from '../ui/progress.js';
import { formatSize } from '../units.js';
import { SCALER } from './metrics/metricGraph.js';
import { keptMeasurements } from './measureResume.js';
import type { LayerTarget, MeasureContext, MeasureOptions } from './MeasureStepTypes.js';
import { scenarioViewers } from './viewer/measureViewers.js';

function measurable(s: ScenarioRecord): boolean {
  return s.status === 'complete' || s.status === 'degraded';
}

/** A layer that cannot be measured: recorded as failed and named on stderr; the others go on. */
export function failLayer(w: LayerTarget, error: string, progress: Progress): void {
  w.record.status = 'failed';
  w.record.error = error;
  progress.warn(`${w.scenario.id} ${w.layer.rid}: ${error}`);
}

/**
 * quality.csv's columns for this run: Chromium-only runs keep the columns they always had; with
 * Firefox in the run every row names its browser; runs with SFU viewers get the viewer columns.
 */
export function qualityColumnsOf(run: RunRecord, runDir: string): (keyof QualityRow & string)[] {
  const withBrowser = run.scenarios.some((s) => s.scenario.browser === 'firefox');
  const withViewers = run.scenarios.some((s) => scenarioViewers(runDir, s).length > 0);
  return QUALITY_COLUMNS.filter(
    (c) =>
      (withBrowser || c !== 'browser') && (withViewers || !(VIEWER_QUALITY_COLUMNS as readonly string[]).includes(c)),
  );
}

/** Reads run.json, refuses to overwrite earlier measurements without --force, opens the reference. */
export function openMeasure(options: MeasureOptions): MeasureContext {
  const { runDir } = options;
  const run = readRunRecord(runDir);
  const measured = existsSync(runFile(runDir, QUALITY_CSV)) || run.measure !== undefined;
  if (!options.force && !options.resume && measured) {
    throw new OutputError(
      `${runDir} already has measurements (${QUALITY_CSV}); simq does not overwrite them`,
      `add --resume to measure only what is not measured yet, --force to measure again, or capture a new run`,
    );
  }
  const references = openReferences(options, run);
  const measure = newMeasureRecord(options);
  const kept =
    options.resume && !options.force && measured
      ? keptMeasurements(runDir, run, measure, { quality: qualityColumnsOf(run, runDir), pictures: PICTURE_COLUMNS })
      : undefined;
  if (kept) measure.startedAt = run.measure?.startedAt ?? measure.startedAt;
  return { options, run, references, measure, kept };
}

/** The prepared clip of every clip a measurable scenario played, by clip id. */
function openReferences(options: MeasureOptions, run: RunRecord): MeasureContext['references'] {
  const references = new Map<string, { clip: ReferenceClip; y4m: Y4mFile }>();
  for (const s of run.scenarios) {
    const clip = clipOfScenario(run, s);
    const key = s.clipId;
    if (references.has(key) || !measurable(s)) continue;
    if (!existsSync(clip.y4m)) {
      throw new InputError(
        `the reference clip ${clip.y4m} of this run is gone (the clip cache was cleared?)`,
        `re-create it with: ${shellCommand([options.ffmpeg.path, ...clip.preparedWith])}`,
      );
    }
    references.set(key, { clip, y4m: Y4mFile.open(clip.y4m) });
  }
  return references;
}

function newMeasureRecord(options: MeasureOptions): MeasureRecord {
  return {
    status: 'incomplete',
    startedAt: new Date().toISOString(),
    vmaf: options.vmaf.description,
    scaler: SCALER,
    viewports: options.viewports.map(formatSize),
    view: options.view,
    includeWarmup: options.includeWarmup,
    subsample: options.subsample ?? 1,
    settings: settingsOf(options),
    jobs: options.jobs,
    metricEnv: metricMallocEnv(),
    layers: [],
    skippedScenarios: [],
    warnings: [...options.vmaf.warnings],
    files: { quality: QUALITY_CSV, pictures: PICTURES_CSV },
  };
}

/** Every captured layer of the scenarios that can be measured; the others are recorded as skipped. */
export function layersToMeasure({ options, run, measure, references, kept }: MeasureContext): LayerTarget[] {
  const targets: LayerTarget[] = [];
  for (const s of run.scenarios) {
    if (kept?.scenarioIds.has(s.id)) continue;
    const ref = references.get(s.clipId);
    if (!measurable(s) || !ref) {
      measure.skippedScenarios.push({ id: s.id, status: s.status, reason: s.error ?? `capture ${s.status}` });
      options.progress.warn(`${s.id}: not measured (capture ${s.status}${s.error ? `: ${s.error}` : ''})`);
      continue;
    }
    for (const layer of s.layers) {
      const { bitstream, framesCsv } = layer;
      if (!layer.active || !bitstream || !framesCsv) continue;
      targets.push({
        scenario: s,
        clip: ref.clip,
        reference: ref.y4m,
        layer,
        dir: scenarioDir(options.runDir, s.id),
        bitstreamName: bitstream,
        framesCsvName: framesCsv,
        record: { scenarioId: s.id, rid: layer.rid, status: 'measured' },
      });
    }
  }
  if (targets.length === 0 && kept)
    options.progress.info(`measure: every measurable scenario is measured already (${kept.scenarioIds.size} kept)`);
  else if (targets.length === 0)
    throw new InputError(
      `${options.runDir}: no captured layer to measure (scenarios: ${run.scenarios.map((s) => `${s.id} ${s.status}`).join(', ')})`,
    );
  return targets;
}

/** The measure record's settings: these options as the command line takes them (analyze --resume reuses them). */
function settingsOf(options: MeasureOptions): MeasureSettings {
  const model = options.vmafAsked?.model;
  return {
    ...(options.viewports.length > 0 ? { viewports: options.viewports.map(formatSize).join(',') } : {}),
    vmafSubsample: String(options.subsample ?? 1),
    view: options.view,
    vmafBackend: options.vmafAsked?.backend ?? options.vmaf.description.backend,
    ...(model !== undefined ? { vmafModel: model } : {}),
    includeWarmup: options.includeWarmup,
    temporalLayers: Boolean(options.temporalLayers),
  };
}
