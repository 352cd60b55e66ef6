// The measure stage: for every captured layer, find each frame's source frame (alignment), then
// VMAF / PSNR / SSIM per frame at the layer's own size and at each viewport, in parallel jobs.
// Reads the run directory the capture stage wrote; writes quality.csv, pictures.csv and run.json's
// "measure" record. Scenarios or layers that cannot be measured are reported, the rest is kept.
import { svcDecoder } from './svcDecoder.js';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import { ExitCode, InputError, OutputError, SimqError } from '../errors.js';
import { Y4mFile } from '../input/Y4mFile.js';
import { toCsv } from '../io/csv.js';
import { writeFilesAtomic } from '../io/atomicWrite.js';
import { shellCommand } from '../io/shellQuote.js';
import { readRunRecord, RUN_FILE } from '../rundir/RunDirectory.js';
import {
  clipOfScenario,
  steadyStartS,
  type LayerRecord,
  type ReferenceClip,
  type RunRecord,
  type ScenarioRecord,
} from '../rundir/RunTypes.js';
import { keptMeasurements, keptRowsCsv, type KeptMeasurements } from './measureResume.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import type { Progress } from '../ui/progress.js';
import { formatSize, type Size } from '../units.js';
import { round } from './aggregate.js';
import { alignLayer } from './alignment/alignLayer.js';
import type { LayerAlignment } from './alignment/AlignmentTypes.js';
import { readLayerFramesCsv } from './alignment/layerFramesCsv.js';
import { droppedBetween, followBestAligned } from './alignment/crossLayer.js';
import { verifyLayerPairing } from './alignment/alignLayer.js';
import { PAIRING_DOUBT_SHARE } from './pairingSummary.js';
import { countVerdicts, type PairingVerification } from './alignment/verifyPairing.js';
import { displaySequence, type TimedDisplayEntry } from './displaySequence.js';
import { quickModeDoubt, subsampleEntries } from './subsample.js';
import { SCALER } from './metrics/metricGraph.js';
import { metricColumns, temporalLayerRows } from './temporalLayerRows.js';
import type { FrameMetrics } from './metrics/metricLogs.js';
import { runMetricJob, type MetricRunner } from './metrics/MetricJob.js';
import { planMetricJobs, type PlannedJob } from './metricJobPlan.js';
import { JobQueue } from './jobQueue.js';
import {
  PICTURE_COLUMNS,
  QUALITY_COLUMNS,
  VIEWER_QUALITY_COLUMNS,
  type PictureRow,
  type QualityRow,
  type QualityView,
} from '../rundir/CsvTypes.js';
import type { FeedLevelShift, LayerMeasureRecord, MeasureRecord, MeasureSettings } from '../rundir/MeasureTypes.js';
import { feedLevelShift } from './feedLevelShift.js';
import {
  LEGACY_PICTURES_CSV,
  layerFile,
  PICTURES_CSV,
  QUALITY_CSV,
  runFile,
  scenarioDir,
  workDir,
} from '../rundir/RunFiles.js';
import type { VmafSetup } from './vmaf/VmafSetup.js';
import { metricMallocEnv } from '../tools/mallocTuning.js';
import { timeLeftText } from '../ui/timeLeft.js';
import { measureViewers, scenarioViewers, type ViewerRows } from './viewer/measureViewers.js';
import { layerTimeline } from './layerTimeline.js';

export const DEFAULT_VIEWPORTS: Size[] = [
  { width: 320, height: 180 },
  { width: 640, height: 360 },
  { width: 1280, height: 720 },
];

export interface MeasureOptions {
  runDir: string;
  ffmpeg: FfmpegInfo;
  vmaf: VmafSetup;
  viewports: Size[];
  view: QualityView;
  jobs: number;
  includeWarmup: boolean;
  /** Also a row per temporal operating point of each layer (temporalLayerRows.ts). */
  temporalLayers?: boolean;
  /** Measure every Nth picture of the window (quick mode); 1 or unset: every picture. */
  subsample?: number;
  force: boolean;
  /** Keep the measurements of scenarios already measured (same settings) and measure only the others. */
  resume?: boolean;
  progress: Progress;
  signal?: AbortSignal;
  /** What the command line asked of the VMAF backend (before auto was resolved), kept in the measure settings. */
  vmafAsked?: { backend: string; model?: string };
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

function fail(w: LayerWork, error: string, progress: Progress): void {
  w.record.status = 'failed';
  w.record.error = error;
  progress.warn(`${w.scenario.id} ${w.layer.rid}: ${error}`);
}

/** The layer's displayed sequence over the steady window, and its pairing counts over those pictures. */
function planPictures(
  w: LayerWork,
  times: (number | undefined)[],
  referenceFrames: number,
  fps: number,
  includeWarmup: boolean,
  progress: Progress,
): void {
  const a = w.alignment!;
  const sourceIndex = w.sourceIndex!;
  const droppedAfter = droppedBetween(sourceIndex, referenceFrames);
  w.entries = displaySequence({
    frameTimesS: times,
    alignment: { sourceIndex, droppedAfter },
    referenceFrames,
    fps,
    warmupS: steadyStartS(w.scenario),
    includeWarmup,
  });
  if (w.entries.length === 0) {
    // Never drop a layer silently: say what the window held.
    const tapped = times.filter((t): t is number => t !== undefined);
    fail(
      w,
      `no picture in the steady-state window (${a.framesCaptured} frames captured, ${sourceIndex.length} aligned, ` +
        `tapped from ${tapped[0] ?? '?'} s to ${tapped[tapped.length - 1] ?? '?'} s, steady from ${steadyStartS(w.scenario)} s)`,
      progress,
    );
  }
  const measuredFrames = w.entries.filter((e) => !e.frozen && !e.warmup).map((e) => e.frameIndex);
  const counts = countVerdicts(measuredFrames.map((i) => w.verification!.verdict[i]));
  const doubtful = measuredFrames.length > 0 && counts.ambiguous / measuredFrames.length > PAIRING_DOUBT_SHARE;
  Object.assign(w.record, {
    framesCaptured: a.framesCaptured,
    framesDropped: droppedAfter.reduce((x, y) => x + y, 0),
    droppedInWindow: w.entries.filter((e) => e.frozen && !e.warmup).length,
    lowConfidenceFrames: a.lowConfidenceFrames.length,
    reacquiredFrames: a.reacquiredFrames,
    measuredPictures: w.entries.length,
    pairing: { pictures: measuredFrames.length, ...counts, doubtful },
  });
}

interface LayerWork {
  scenario: ScenarioRecord;
  /** The clip the scenario played and its prepared Y4M (the reference of every metric). */
  clip: ReferenceClip;
  reference: Y4mFile;
  layer: LayerRecord;
  dir: string;
  record: LayerMeasureRecord;
  alignment?: LayerAlignment;
  /** Source index per captured frame: the alignment's, then the lead layer's, then verified. */
  sourceIndex?: number[];
  verification?: PairingVerification;
  entries?: (TimedDisplayEntry & { displayIndex?: number })[];
  /** Quick mode: every picture, sent to the metric job (entries holds the scored ones). */
  sentEntries?: TimedDisplayEntry[];
  decodedSize?: Size;
}

interface JobResult {
  work: LayerWork;
  size: string;
  sizeWxH: Size;
  metrics: FrameMetrics[];
}

/** Runs async work with at most `limit` at a time, in order of the list. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export function defaultJobs(): number {
  return Math.max(1, os.cpus().length);
}

function measurable(s: ScenarioRecord): boolean {
  return s.status === 'complete' || s.status === 'degraded';
}

/** What the steps of one measure run share. */
interface MeasureContext {
  options: MeasureOptions;
  run: RunRecord;
  /** Prepared clip per clip id. */
  references: Map<string, { clip: ReferenceClip; y4m: Y4mFile }>;
  measure: MeasureRecord;
  /** --resume: what an earlier measure left that is kept. */
  kept?: KeptMeasurements;
}

export async function runMeasureStage(
  options: MeasureOptions,
): Promise<{ record: RunRecord; measure: MeasureRecord; rows: QualityRow[]; error?: SimqError }> {
  const ctx = openMeasure(options);
  const { run, measure } = ctx;
  const started = Date.now();
  const work = layersToMeasure(ctx);
  const frameTimes = await alignLayers(ctx, work);
  followBestAlignedLayers(work, frameTimes);
  // Each scenario's metric jobs start once its pairings are verified, while later ones are verified.
  const metrics = startMetricJobs(ctx);
  await verifyPairings(ctx, work, (layers) => {
    planLayerPictures(ctx, layers, frameTimes);
    queueMetricJobs(ctx, metrics, layers);
  });
  if (run.input.feed) measure.feedShift = await measureFeedShift(ctx, work);
  const { done, runner, error: jobError } = await finishMetricJobs(ctx, metrics, work);
  let error = jobError;

  const qualityRows = work
    .filter((w) => w.record.status === 'measured')
    .flatMap((w) => done.filter((d) => d.work === w).map((r) => qualityRow(w, r, options.view)));
  const pictureRows = work
    .filter((w) => w.record.status === 'measured')
    .flatMap((w) => done.filter((d) => d.work === w).flatMap((r) => picturesOf(w, r)));
  if (options.temporalLayers) qualityRows.push(...(await temporalRows(ctx, work, qualityRows, runner)));
  addLayerTimelines(work, done, frameTimes);
  const viewers = await viewerRows(ctx, work, runner);
  qualityRows.push(...viewers.quality);
  pictureRows.push(...viewers.pictures);
  const qualityColumns = qualityColumnsOf(run, options.runDir);
  const withBrowser = qualityColumns.includes('browser');
  if (withBrowser)
    for (const r of qualityRows)
      r.browser = run.scenarios.find((s) => s.id === r.scenario_id)?.scenario.browser ?? 'chromium';
  const kept = ctx.kept;
  const qualityText = kept
    ? keptRowsCsv(kept.quality, qualityColumns, qualityRows)
    : toCsv(qualityColumns, qualityRows);
  const picturesText = kept
    ? keptRowsCsv(kept.pictures, PICTURE_COLUMNS, pictureRows)
    : toCsv(PICTURE_COLUMNS, pictureRows);

  measure.layers = [...(kept?.layers ?? []), ...work.map((w) => w.record)];
  if (viewers.records.length || kept?.viewers?.length) measure.viewers = [...(kept?.viewers ?? []), ...viewers.records];
  if (viewers.records.some((v) => v.status === 'failed')) {
    error ??= new SimqError(
      `some viewers could not be measured: ${viewers.records
        .filter((v) => v.status === 'failed')
        .map((v) => `${v.scenarioId} ${v.viewer}`)
        .join(', ')}`,
      ExitCode.incomplete,
    );
  }
  if (work.some((w) => w.record.status === 'failed')) {
    error ??= new SimqError(
      `some layers could not be measured: ${work
        .filter((w) => w.record.status === 'failed')
        .map((w) => `${w.scenario.id} ${w.layer.rid}`)
        .join(', ')}`,
      ExitCode.incomplete,
    );
  }
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
  return { record: run, measure, rows: qualityRows, error };
}

/**
 * quality.csv's columns for this run: Chromium-only runs keep the columns they always had; with
 * Firefox in the run every row names its browser; runs with SFU viewers get the viewer columns.
 */
function qualityColumnsOf(run: RunRecord, runDir: string): (keyof QualityRow & string)[] {
  const withBrowser = run.scenarios.some((s) => s.scenario.browser === 'firefox');
  const withViewers = run.scenarios.some((s) => scenarioViewers(runDir, s).length > 0);
  return QUALITY_COLUMNS.filter(
    (c) =>
      (withBrowser || c !== 'browser') && (withViewers || !(VIEWER_QUALITY_COLUMNS as readonly string[]).includes(c)),
  );
}

/** Reads run.json, refuses to overwrite earlier measurements without --force, opens the reference. */
function openMeasure(options: MeasureOptions): MeasureContext {
  const { runDir } = options;
  const run = readRunRecord(runDir);
  const measured = existsSync(runFile(runDir, QUALITY_CSV)) || run.measure !== undefined;
  if (!options.force && !options.resume && measured) {
    throw new OutputError(
      `${runDir} already has measurements (${QUALITY_CSV}); simq does not overwrite them`,
      `add --resume to measure only what is not measured yet, --force to measure again, or capture a new run`,
    );
  }
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
  const measure: MeasureRecord = {
    status: 'incomplete',
    startedAt: new Date().toISOString(),
    vmaf: options.vmaf.description,
    scaler: SCALER,
    viewports: options.viewports.map(formatSize),
    view: options.view,
    includeWarmup: options.includeWarmup,
    subsample: options.subsample ?? 1,
    jobs: options.jobs,
    settings: settingsOf(options),
    metricEnv: metricMallocEnv(),
    layers: [],
    skippedScenarios: [],
    warnings: [...options.vmaf.warnings],
    files: { quality: QUALITY_CSV, pictures: PICTURES_CSV },
  };
  const kept =
    options.resume && !options.force && measured
      ? keptMeasurements(runDir, run, measure, { quality: qualityColumnsOf(run, runDir), pictures: PICTURE_COLUMNS })
      : undefined;
  if (kept) measure.startedAt = run.measure?.startedAt ?? measure.startedAt;
  return { options, run, references, measure, kept };
}

/** Every captured layer of the scenarios that can be measured; the others are recorded as skipped. */
function layersToMeasure({ options, run, measure, references, kept }: MeasureContext): LayerWork[] {
  const work: LayerWork[] = [];
  for (const s of run.scenarios) {
    if (kept?.scenarioIds.has(s.id)) continue;
    if (!measurable(s)) {
      measure.skippedScenarios.push({ id: s.id, status: s.status, reason: s.error ?? `capture ${s.status}` });
      options.progress.warn(`${s.id}: not measured (capture ${s.status}${s.error ? `: ${s.error}` : ''})`);
      continue;
    }
    for (const layer of s.layers) {
      if (!layer.active || !layer.bitstream || !layer.framesCsv) continue;
      const ref = references.get(s.clipId)!;
      work.push({
        scenario: s,
        clip: ref.clip,
        reference: ref.y4m,
        layer,
        dir: scenarioDir(options.runDir, s.id),
        record: { scenarioId: s.id, rid: layer.rid, status: 'measured' },
      });
    }
  }
  if (work.length === 0 && kept)
    options.progress.info(`measure: every measurable scenario is measured already (${kept.scenarioIds.size} kept)`);
  else if (work.length === 0)
    throw new InputError(
      `${options.runDir}: no captured layer to measure (scenarios: ${run.scenarios.map((s) => `${s.id} ${s.status}`).join(', ')})`,
    );
  return work;
}

/** 1. Alignment, one layer at a time per job slot. Returns each layer's frame times (<rid>.frames.csv time_s). */
async function alignLayers(
  { options }: MeasureContext,
  work: LayerWork[],
): Promise<Map<LayerWork, (number | undefined)[]>> {
  const { progress } = options;
  let aligned = 0;
  const frameTimes = new Map<LayerWork, (number | undefined)[]>();
  await pool(work, options.jobs, async (w) => {
    try {
      const bitstream = layerFile(w.dir, w.layer.bitstream!);
      const framesCsv = layerFile(w.dir, w.layer.framesCsv!);
      if (!existsSync(bitstream)) throw new SimqError(`${bitstream} is missing`, ExitCode.badInput);
      const frames = readLayerFramesCsv(framesCsv);
      w.alignment = await alignLayer({
        ffmpegPath: options.ffmpeg.path,
        bitstream,
        decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
        framesCsv,
        referenceY4m: w.clip.y4m,
        fps: w.clip.fps,
      });
      frameTimes.set(
        w,
        frames.map((f) => f.timeS),
      );
      // An SVC point's pictures that lack its layer (svcCut.ts) are smaller: the point's own size is configured's.
      const first = w.layer.svcPoint ? undefined : frames[0];
      w.decodedSize = {
        width: first?.width || w.layer.configured.width,
        height: first?.height || w.layer.configured.height,
      };
    } catch (e) {
      w.record.status = 'failed';
      w.record.error = (e as Error).message;
      progress.warn(`${w.scenario.id} ${w.layer.rid}: ${w.record.error}`);
    }
    progress.update('measure: aligning layers', ++aligned, work.length);
  });
  progress.done();
  return frameTimes;
}

/** 1b. Layers of one scenario show the same camera frames: the best-aligned layer leads (crossLayer.ts). */
function followBestAlignedLayers(work: LayerWork[], frameTimes: Map<LayerWork, (number | undefined)[]>): void {
  for (const s of new Set(work.map((w) => w.scenario))) {
    const referenceFrames = work.find((w) => w.scenario === s)!.reference.frameCount;
    const layers = work
      .filter((w) => w.scenario === s && w.alignment)
      .map((w) => ({ w, times: frameTimes.get(w)!, alignment: w.alignment! }));
    for (const [{ w }, outcome] of followBestAligned(layers, referenceFrames)) {
      w.sourceIndex = outcome.sourceIndex;
      w.record.alignmentConfidence = round(outcome.confidence, 4);
      if (outcome.followed) {
        w.record.followedLayer = outcome.followed.lead.w.layer.rid;
        w.record.framesFromFollowedLayer = outcome.followed.adopted.matched;
        w.record.framesChangedByFollowedLayer = outcome.followed.adopted.changed;
        w.record.ownAlignmentConfidence = round(outcome.followed.ownConfidence, 4);
      }
    }
  }
}

/**
 * 1c. Every pairing checked at the layer's own size against its neighbours (verifyPairing.ts). Each
 * scenario's layers go to `verified` once all of them are checked, scenarios in run order.
 */
async function verifyPairings(
  { options }: MeasureContext,
  work: LayerWork[],
  verified: (layers: LayerWork[]) => void,
): Promise<void> {
  const { progress } = options;
  let count = 0;
  const toVerify = work.filter((w) => w.sourceIndex);
  const scenarios = [...new Set(work.map((w) => w.scenario))];
  const finished = new Set<LayerWork>();
  let handed = 0;
  const handOver = () => {
    while (handed < scenarios.length) {
      const layers = toVerify.filter((w) => w.scenario === scenarios[handed]);
      if (!layers.every((w) => finished.has(w))) return;
      handed++;
      verified(layers);
    }
  };
  await pool(toVerify, options.jobs, async (w) => {
    try {
      w.verification = await verifyLayerPairing({
        ffmpegPath: options.ffmpeg.path,
        bitstream: layerFile(w.dir, w.layer.bitstream!),
        decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
        referenceY4m: w.clip.y4m,
        size: w.decodedSize!,
        sourceIndex: w.sourceIndex!,
      });
      w.sourceIndex = w.verification.sourceIndex;
    } catch (e) {
      fail(w, (e as Error).message, progress);
    }
    finished.add(w);
    progress.update('measure: verifying pairs at full size', ++count, toVerify.length);
    handOver();
  });
  handOver();
  progress.done();
}

/** 1c'. A page-played feed: the level/colour shift of every full-size layer against the reference. */
async function measureFeedShift({ options, run }: MeasureContext, work: LayerWork[]): Promise<FeedLevelShift[]> {
  const out: FeedLevelShift[] = [];
  const full = work.filter(
    (w) =>
      w.sourceIndex &&
      w.record.status === 'measured' &&
      w.decodedSize?.width === run.input.width &&
      w.decodedSize?.height === run.input.height,
  );
  for (const w of full) {
    try {
      const shift = await feedLevelShift(
        options.ffmpeg.path,
        layerFile(w.dir, w.layer.bitstream!),
        run.input.y4m,
        w.sourceIndex!,
      );
      out.push({
        scenarioId: w.scenario.id,
        rid: w.layer.rid,
        browser: w.scenario.scenario.browser ?? 'chromium',
        ...shift,
      });
    } catch (e) {
      options.progress.warn(`${w.scenario.id} ${w.layer.rid}: level shift not measured: ${(e as Error).message}`);
    }
  }
  return out;
}

/** 1d. The pictures to measure (every Nth in quick mode), and what the pairing is worth. */
function planLayerPictures(
  { options, measure }: MeasureContext,
  work: LayerWork[],
  frameTimes: Map<LayerWork, (number | undefined)[]>,
): void {
  for (const w of work) {
    if (w.record.status !== 'measured' || !w.sourceIndex || !w.verification) continue;
    planPictures(w, frameTimes.get(w)!, w.reference.frameCount, w.clip.fps, options.includeWarmup, options.progress);
    if ((options.subsample ?? 1) > 1 && w.entries && w.entries.length > 0) {
      w.sentEntries = w.entries;
      const doubt = quickModeDoubt(w.entries, options.subsample!);
      if (doubt) measure.warnings.push(`${w.scenario.id} ${w.layer.rid}: ${doubt}`);
      w.entries = subsampleEntries(w.entries, options.subsample!);
      w.record.windowPictures = w.record.measuredPictures;
      w.record.measuredPictures = w.entries.length;
    }
  }
}

/** The metric jobs of a run, queued scenario by scenario. */
interface MetricRun {
  queue: JobQueue<PlannedJob<LayerWork>, FrameMetrics[]>;
  jobs: PlannedJob<LayerWork>[];
  /** Queue index per layer and measurement size (WxH). */
  index: Map<LayerWork, Map<string, number>>;
  sent: number[];
  runner: MetricRunner;
  /** Progress is shown once every job is known (the total is then known). */
  showProgress: boolean;
  started?: number;
}

/** 2. Metric jobs: one per (layer, measurement size) (metricJobPlan.ts), at most options.jobs at a time, the costliest waiting first. */
function startMetricJobs({ options }: MeasureContext): MetricRun {
  const runner: MetricRunner = {
    command: options.vmaf.command,
    argsPrefix: options.vmaf.argsPrefix,
    libvmafOptions: options.vmaf.libvmafOptions,
    // Jobs share the cores: each libvmaf gets its part rather than every job claiming all of them.
    threads: Math.max(1, Math.floor(os.cpus().length / options.jobs)),
  };
  const m: MetricRun = { jobs: [], index: new Map(), sent: [], runner, showProgress: false, queue: undefined as never };
  m.queue = new JobQueue(options.jobs, (job, i) => {
    m.started ??= Date.now();
    const w = job.work;
    return runMetricJob({
      ffmpegPath: options.ffmpeg.path,
      bitstream: layerFile(w.dir, w.layer.bitstream!),
      codec: w.scenario.scenario.codec,
      decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
      decodedSize: w.decodedSize!,
      reference: w.reference,
      entries: w.sentEntries ?? w.entries!,
      subsample: w.sentEntries ? options.subsample : undefined,
      size: job.size,
      runner,
      workDir: workDir(options.runDir, `${w.scenario.id}.${w.layer.rid}.${job.labels[0]}`),
      signal: options.signal,
      onProgress: (sent) => {
        m.sent[i] = sent;
        if (m.showProgress) metricProgress(options.progress, m);
      },
    });
  });
  return m;
}

const pixelsOf = (s: Size) => s.width * s.height;

/** Time left from this run's own rate, by pixels: a 1280x720 picture costs about 16 320x180 ones. */
function metricProgress(progress: Progress, m: MetricRun): void {
  const totalPictures = m.jobs.reduce((n, j) => n + j.sent, 0);
  const totalWork = m.jobs.reduce((n, j) => n + j.sent * pixelsOf(j.size), 0);
  const doneWork = m.jobs.reduce((n, j, k) => n + (m.sent[k] ?? 0) * pixelsOf(j.size), 0);
  const left = timeLeftText((Date.now() - (m.started ?? Date.now())) / 1000, totalWork > 0 ? doneWork / totalWork : 1);
  progress.update(
    'measure: pictures compared',
    m.sent.reduce((a, b) => a + (b ?? 0), 0),
    totalPictures,
    left,
  );
}

function measurableLayers(work: LayerWork[]): LayerWork[] {
  return work.filter((w) => w.record.status === 'measured' && w.entries && w.entries.length > 0);
}

function jobLayers(work: LayerWork[]) {
  return measurableLayers(work).map((w) => ({
    work: w,
    decodedSize: w.decodedSize!,
    scored: w.entries!.length,
    sent: (w.sentEntries ?? w.entries!).length,
  }));
}

/** Queues the metric jobs of these (planned) layers. */
function queueMetricJobs({ options }: MeasureContext, m: MetricRun, layers: LayerWork[]): void {
  for (const job of planMetricJobs(jobLayers(layers), options.viewports).jobs) {
    const index = m.queue.push(job, pixelsOf(job.size) * job.sent);
    m.jobs[index] = job;
    if (!m.index.has(job.work)) m.index.set(job.work, new Map());
    m.index.get(job.work)!.set(formatSize(job.size), index);
  }
}

/** Waits for every job; the rows in quality.csv's order, each from the job of its layer and size. A failed job fails its layer. */
async function finishMetricJobs(
  { options }: MeasureContext,
  m: MetricRun,
  work: LayerWork[],
): Promise<{ done: JobResult[]; runner: MetricRunner; error?: SimqError }> {
  m.showProgress = true;
  if (m.jobs.length > 0) metricProgress(options.progress, m);
  m.queue.close();
  const results = await m.queue.results();
  options.progress.done();

  let error: SimqError | undefined;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    const w = m.jobs[i].work;
    w.record.status = 'failed';
    w.record.error = `${m.jobs[i].labels.join(', ')}: ${(r.reason as Error).message}`;
    error ??= r.reason instanceof SimqError ? r.reason : new SimqError(String(r.reason), ExitCode.incomplete);
  });
  const done: JobResult[] = [];
  for (const row of planMetricJobs(jobLayers(work.filter((w) => m.index.has(w))), options.viewports).rows) {
    const r = results[m.index.get(row.work)!.get(formatSize(row.size))!];
    if (r.status === 'fulfilled') done.push({ work: row.work, size: row.label, sizeWxH: row.size, metrics: r.value });
  }
  return { done, runner: m.runner, error };
}

/** 3b. Each measured layer over time: VMAF per second at its own size, when it was off (layerTimeline.ts). */
function addLayerTimelines(
  work: LayerWork[],
  done: JobResult[],
  frameTimes: Map<LayerWork, (number | undefined)[]>,
): void {
  const defined = (w: LayerWork) => (frameTimes.get(w) ?? []).filter((t): t is number => t !== undefined);
  for (const s of new Set(work.map((w) => w.scenario))) {
    const layers = work.filter((w) => w.scenario === s);
    const endS = Math.max(...layers.flatMap(defined));
    for (const w of layers) {
      const native = done.find((d) => d.work === w && d.size === 'native');
      if (w.record.status !== 'measured' || !native || !w.entries) continue;
      w.record.timeline = layerTimeline(
        defined(w),
        endS,
        w.entries.map((e, k) => ({ timeS: e.timeS, vmaf: native.metrics[k]?.vmaf })),
      );
    }
  }
}

/** 4. The SFU viewers of the scenarios measured now (src/measure/viewer/), after their layers. */
async function viewerRows(
  { options, references }: MeasureContext,
  work: LayerWork[],
  runner: MetricRunner,
): Promise<ViewerRows> {
  const scenarios = [...new Set(work.map((w) => w.scenario))].map((s) => {
    const ref = references.get(s.clipId)!;
    return { scenario: s, referenceY4m: ref.clip.y4m, reference: ref.y4m };
  });
  return measureViewers(scenarios, {
    runDir: options.runDir,
    ffmpegPath: options.ffmpeg.path,
    runner,
    progress: options.progress,
    signal: options.signal,
  });
}

/** 3. pictures.csv rows of one (layer, size) job. */
function picturesOf(w: LayerWork, r: JobResult): PictureRow[] {
  return w.entries!.map((e, k) => {
    const m = r.metrics[k];
    return {
      scenario_id: w.scenario.id,
      rid: w.layer.rid,
      size: r.size,
      display_index: e.displayIndex ?? k,
      source_index: e.sourceIndex,
      frame_index: e.frameIndex,
      frozen: e.frozen ? 1 : 0,
      time_s: round(e.timeS, 3)!,
      warmup: e.warmup ? 1 : 0,
      vmaf: round(m.vmaf, 4),
      psnr_y: m.psnr_y,
      psnr_avg: m.psnr_avg,
      ssim: round(m.ssim, 6),
      pairing: w.verification?.verdict[e.frameIndex],
    };
  });
}

/** measure --temporal-layers: a quality row per temporal operating point of each measured layer. */
async function temporalRows(
  { options, measure }: MeasureContext,
  work: LayerWork[],
  qualityRows: QualityRow[],
  runner: MetricRunner,
): Promise<QualityRow[]> {
  const measured = work.filter((w) => w.record.status === 'measured' && w.entries?.length);
  const temporal = await temporalLayerRows(
    measured.map((w) => ({
      scenarioId: w.scenario.id,
      reference: w.reference,
      rid: w.layer.rid,
      bitstream: layerFile(w.dir, w.layer.bitstream!),
      framesCsv: layerFile(w.dir, w.layer.framesCsv!),
      codec: w.scenario.scenario.codec,
      decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
      decodedSize: w.decodedSize!,
      entries: w.sentEntries ?? w.entries!,
      subsample: w.sentEntries ? options.subsample : undefined,
      window: w.layer.steady && { fromS: w.layer.steady.fromS, toS: w.layer.steady.toS },
      rows: qualityRows.filter((r) => r.scenario_id === w.scenario.id && r.rid === w.layer.rid),
    })),
    {
      ffmpegPath: options.ffmpeg.path,
      reference: measured[0]?.reference,
      runner,
      view: options.view,
      workDir: workDir(options.runDir),
      progress: options.progress,
      signal: options.signal,
      pool: (items, fn) => pool(items, options.jobs, fn),
    },
  );
  measure.warnings.push(...temporal.warnings);
  return temporal.rows;
}

function qualityRow(w: LayerWork, r: JobResult, view: QualityView): QualityRow {
  const steady = w.layer.steady;
  const s = w.scenario.scenario;
  const layerSize = `${w.decodedSize!.width}x${w.decodedSize!.height}`;
  return {
    scenario_id: s.id,
    scenario: s.name,
    codec: s.codec,
    bandwidth_kbps: s.bandwidthBps === undefined ? undefined : s.bandwidthBps / 1000,
    rid: w.layer.rid,
    layer: layerSize,
    size: r.size,
    view,
    max_bitrate_kbps: w.layer.configured.maxBitrate === undefined ? undefined : w.layer.configured.maxBitrate / 1000,
    target_kbps: steady?.targetKbpsMedian,
    actual_kbps: steady?.actualKbpsMean,
    fps: steady?.fps,
    ...metricColumns(w.entries!, r.metrics, view),
    alignment_confidence: w.record.alignmentConfidence,
    paired_verified: w.record.pairing?.verified,
    paired_tied: w.record.pairing?.tied,
    paired_repaired: w.record.pairing?.repaired,
    paired_ambiguous: w.record.pairing?.ambiguous,
    pairing: w.record.pairing ? (w.record.pairing.doubtful ? 'doubtful' : 'ok') : undefined,
  };
}
