// `simq measure <run-dir>`: the measure stage alone, on a run the capture stage wrote.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { printable } from '../ui/printable.js';
import { DEFAULT_VIEWPORTS, defaultJobs, runMeasureStage } from '../measure/measureStage.js';
import { workDir } from '../rundir/RunFiles.js';
import { measureSummary, renderMeasureSummary, type MeasureSummary } from '../measure/measureSummary.js';
import type { QualityView } from '../rundir/CsvTypes.js';
import { resolveVmafSetup, VMAF_BACKEND_CHOICES, type VmafBackendChoice } from '../measure/vmaf/VmafSetup.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { createProgress } from '../ui/progress.js';
import { openRun } from '../rundir/openRun.js';
import { abortOnSignals, interruptedBy } from '../signals.js';
import { shellCommand } from '../io/shellQuote.js';
import { formatSize, parseSize, type Size } from '../units.js';

export interface MeasureCliOptions {
  viewports?: string;
  vmafBackend: string;
  vmafModel?: string;
  vmafModelDir?: string;
  dockerImage?: string;
  jobs?: string;
  view: string;
  includeWarmup?: boolean;
  temporalLayers?: boolean;
  vmafSubsample?: string;
  force?: boolean;
  /** Measure only the scenarios without measurements; keep the rows of the others. */
  resume?: boolean;
  allowDegraded?: boolean;
  ffmpeg?: string;
  json?: boolean;
  quiet?: boolean;
}

export function addMeasureOptions(cmd: Command): Command {
  return cmd
    .option('--viewports <list>', `viewer render sizes, e.g. ${DEFAULT_VIEWPORTS.map(formatSize).join(',')}`)
    .option('--vmaf-backend <name>', `${VMAF_BACKEND_CHOICES.join('|')}`, 'auto')
    .option('--vmaf-model <name|file>', 'vmaf_v0.6.1 (default), vmaf_v0.6.1neg, or a model file')
    .option(
      '--vmaf-model-dir <dir>',
      'folder with VMAF model files (libvmaf 1.x needs vmaf_float_v0.6.1.pkl + .pkl.model); else SIMQ_VMAF_MODEL_DIR, else a verified download into the cache',
    )
    .option('--docker-image <image>', 'image with ffmpeg + libvmaf for --vmaf-backend docker')
    .option('-j, --jobs <n>', `metric jobs in parallel (default: the core count, ${defaultJobs()})`)
    .option(
      '--view <view>',
      'displayed (dropped frames freeze the picture and count against quality) or encoded (only encoded frames)',
      'displayed',
    )
    .option('--include-warmup', 'also measure the warm-up seconds (flagged in pictures.csv, never in the aggregates)')
    .option(
      '--temporal-layers',
      'also measure every temporal operating point (frames with temporal index <= t, as an SFU forwards them): extra quality.csv rows with temporal_layer, op_fps, op_kbps',
    )
    .option(
      '--vmaf-subsample <n>',
      "quick mode: VMAF, PSNR and SSIM on every Nth picture of the window (error in docs/vmaf.md; default 1, analyze's default plan 3)",
    );
}

export function parseViewports(text: string | undefined): Size[] {
  if (text === undefined) return DEFAULT_VIEWPORTS;
  const sizes = text.split(',').map((t) => {
    const s = parseSize(t);
    if (
      !s ||
      s.width <= 0 ||
      s.height <= 0 ||
      s.width % 2 ||
      s.height % 2 ||
      s.width > MAX_VIEWPORT_SIDE ||
      s.height > MAX_VIEWPORT_SIDE
    ) {
      throw new InputError(
        `--viewports ${t}: expected even WIDTHxHEIGHT sizes from 2x2 to ${MAX_VIEWPORT_SIDE}x${MAX_VIEWPORT_SIDE}, such as 640x360 (4:2:0 needs even sizes)`,
      );
    }
    return s;
  });
  if (sizes.length === 0) throw new InputError('--viewports: empty list');
  return sizes;
}

export function parseSubsample(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_SUBSAMPLE) {
    throw new InputError(
      `--vmaf-subsample ${text}: expected a whole number from 1 to ${MAX_SUBSAMPLE} (1 measures every picture, 3 every third)`,
      '--vmaf-subsample 3',
    );
  }
  return n;
}

/** Largest --jobs: more metric ffmpegs than this only thrash (each holds two frames of every size). */
export const MAX_JOBS = 64;
/** Largest --vmaf-subsample: every 30th picture is one a second at 30 fps, the sparsest docs/vmaf.md gives an error for. */
export const MAX_SUBSAMPLE = 30;
/** Largest viewport side: 8K. */
export const MAX_VIEWPORT_SIDE = 8192;

/** The measure options checked and parsed; analyze calls it before a browser starts. */
export function validateMeasureOptions(
  opts: Pick<MeasureCliOptions, 'view' | 'viewports' | 'vmafSubsample' | 'jobs'>,
): { viewports: Size[]; subsample: number; jobs: number } {
  if (opts.view !== undefined && opts.view !== 'displayed' && opts.view !== 'encoded')
    throw new InputError(`--view ${opts.view}: use displayed or encoded`);
  const viewports = parseViewports(opts.viewports);
  const subsample = parseSubsample(opts.vmafSubsample);
  let jobs = defaultJobs();
  if (opts.jobs !== undefined) {
    jobs = Number(opts.jobs);
    if (!/^\s*\d+\s*$/.test(opts.jobs) || !Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS)
      throw new InputError(
        `--jobs ${opts.jobs}: expected a whole number from 1 to ${MAX_JOBS}`,
        `--jobs ${defaultJobs()} (this machine's cores)`,
      );
  }
  return { viewports, subsample, jobs };
}

export interface MeasureCommandResult {
  summary: MeasureSummary;
  exitCode: number;
}

export async function measureFromCli(
  runDir: string,
  opts: MeasureCliOptions,
  print = true,
): Promise<MeasureCommandResult> {
  const progress = createProgress({ quiet: opts.quiet });
  if (!(VMAF_BACKEND_CHOICES as readonly string[]).includes(opts.vmafBackend)) {
    throw new InputError(`--vmaf-backend ${opts.vmafBackend}: use one of ${VMAF_BACKEND_CHOICES.join(', ')}`);
  }
  const { viewports, subsample, jobs } = validateMeasureOptions(opts);
  const abs = path.resolve(runDir);
  const controller = new AbortController();
  const untrap = abortOnSignals(controller);
  const { lock, staleNote } = openRun(abs, 'measure');
  if (staleNote) progress.warn(staleNote);
  try {
    const ffmpeg = await probeFfmpeg(opts.ffmpeg);
    const vmaf = await resolveVmafSetup({
      backend: opts.vmafBackend as VmafBackendChoice,
      ffmpeg: opts.ffmpeg,
      vmafModel: opts.vmafModel,
      vmafModelDir: opts.vmafModelDir,
      dockerImage: opts.dockerImage,
      runDir: abs,
      workDir: workDir(abs),
      log: (line) => progress.info(line),
    });
    for (const w of vmaf.warnings) progress.warn(w);
    if (controller.signal.aborted) throw interruptedBy(controller.signal, 'measure');
    const result = await runMeasureStage({
      runDir: abs,
      ffmpeg,
      vmaf,
      viewports,
      view: opts.view as QualityView,
      jobs,
      includeWarmup: Boolean(opts.includeWarmup),
      temporalLayers: Boolean(opts.temporalLayers),
      subsample,
      force: Boolean(opts.force),
      resume: Boolean(opts.resume),
      progress,
      signal: controller.signal,
      vmafAsked: { backend: opts.vmafBackend, model: opts.vmafModel },
    });
    const problems = [
      ...result.measure.layers.filter((l) => l.status === 'failed').map((l) => `${l.scenarioId} ${l.rid}: ${l.error}`),
      ...result.measure.skippedScenarios.map((s) => `${s.id}: not measured (${s.reason})`),
    ];
    // A layer whose pictures could not all be paired with their source frames gives scores that may
    // describe other pictures: named, and a degraded exit unless the user accepts it.
    const doubtful = result.measure.layers
      .filter((l) => l.pairing?.doubtful)
      .map(
        (l) =>
          `${l.scenarioId} ${l.rid}: pairing doubtful: ${l.pairing!.ambiguous} of ${l.pairing!.pictures} pictures could not be paired with certainty at full size`,
      );
    // Runs of several clips: each clip's layers ranked on their own (scenarios[].clipId).
    const clips = new Set(result.record.scenarios.map((s) => s.clipId).filter((c) => c !== undefined));
    const clipOf = (id: string) =>
      clips.size > 1 ? result.record.scenarios.find((s) => s.id === id)?.clipId : undefined;
    const summary = measureSummary(abs, result.rows, result.measure.warnings, [...problems, ...doubtful], clipOf);
    if (controller.signal.aborted) {
      // What finished is kept and the measure record says incomplete; the caller sees the signal's code.
      const e = interruptedBy(controller.signal, `measure of ${abs}`);
      progress.warn(
        `${e.message}: the measure record in run.json is marked incomplete (measure again with ${shellCommand(['simq', 'measure', abs, '--force'])})`,
      );
      return { summary, exitCode: e.exitCode };
    }
    if (print) {
      if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(printable(renderMeasureSummary(summary)) + '\n');
    }
    let exitCode: number = ExitCode.ok;
    if (result.error)
      exitCode = result.error.exitCode === ExitCode.internal ? ExitCode.incomplete : result.error.exitCode;
    else if (problems.length) exitCode = ExitCode.incomplete;
    else if (doubtful.length && !opts.allowDegraded) exitCode = ExitCode.degraded;
    return { summary, exitCode };
  } finally {
    // The work folder only holds scratch files of this measure (frames piped to libvmaf, logs).
    rmSync(workDir(abs), { recursive: true, force: true });
    lock.release();
    untrap();
  }
}

export function registerMeasure(program: Command): void {
  addMeasureOptions(
    program
      .command('measure')
      .description(
        'measure stage: align every captured frame with its source frame and compute VMAF / PSNR / SSIM per layer, natively and at each viewport',
      )
      .argument('<run-dir>', 'a run directory written by simq capture'),
  )
    .option('--force', 'measure again when the run already has quality.csv')
    .option(
      '--resume',
      "measure only the scenarios not measured yet (after capture --resume, or an interrupted measure); keep the others' rows",
    )
    .option(
      '--allow-degraded',
      "exit 0 even when a layer's pairing with its source frames is doubtful (it is still named)",
    )
    .option('--ffmpeg <path>', 'ffmpeg binary')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (runDir: string, opts: MeasureCliOptions) => {
      const { exitCode } = await measureFromCli(runDir, opts);
      process.exitCode = exitCode;
    });
}
