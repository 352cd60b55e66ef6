// `simq analyze [clip]`: capture -> measure -> recommend -> report into one new run directory.
// Each stage is also a command of its own and can be re-run on the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { renderCaptureSummary } from '../capture/captureSummary.js';
import { ExitCode, InputError } from '../errors.js';
import { printable } from '../ui/printable.js';
import { isSignalExit } from '../signals.js';
import { renderMeasureSummary } from '../measure/measureSummary.js';
import { workDir } from '../rundir/RunFiles.js';
import { resolveVmafSetup, VMAF_BACKEND_CHOICES, type VmafBackendChoice } from '../measure/vmaf/VmafSetup.js';
import { runRecommendStage } from '../recommend/recommendStage.js';
import { browserComparison, firefoxSettingAdvice, renderBrowserComparison } from '../recommend/browserComparison.js';
import { layerRows, readQualityRows } from '../recommend/qualityTable.js';
import { renderRecommendationSummary } from '../recommend/summary.js';
import { writeReport } from '../report/writeReport.js';
import { packageVersion } from '../paths.js';
import { addCaptureOptions, type CaptureCliOptions } from './captureOptions.js';
import { applyStudyFile } from './studyOptions.js';
import { captureFromCli } from './capture.js';
import { addMeasureOptions, measureFromCli, validateMeasureOptions, type MeasureCliOptions } from './measure.js';
import { renderAnswerBlock } from '../recommend/answerBlock.js';
import { addRecommendDecisionOptions, validateRecommendOptions, type RecommendCliOptions } from './recommend.js';
import { measureSecondsPerCaptureSecond, rememberMeasureRate, type MeasureRateKey } from '../study/measureRate.js';
import { DEFAULT_VIEWPORTS } from '../measure/measureStage.js';
import { DEFAULT_DURATION_S } from '../scenario/ScenarioTypes.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import type { MeasureSettings, RunRecord } from '../rundir/RunTypes.js';

type AnalyzeOptions = CaptureCliOptions &
  MeasureCliOptions &
  Omit<RecommendCliOptions, 'format' | 'out' | 'codec' | 'jitsiPreferCodec' | 'json' | 'save'> & {
    /** Print every stage's tables before the answer (the default prints the answer block only). */
    details?: boolean;
  };

/** Rough measure cost per captured second and layer-size job on 2 cores, for the sweep estimate. */

/** Fails before any capture when the VMAF backend asked for cannot work (e.g. --vmaf-backend ffmpeg without libvmaf). */
async function preflightVmaf(opts: AnalyzeOptions): Promise<void> {
  if (opts.vmafBackend === 'auto' || opts.vmafBackend === 'none') return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-preflight-'));
  try {
    await resolveVmafSetup({
      backend: opts.vmafBackend as VmafBackendChoice,
      ffmpeg: opts.ffmpeg,
      vmafModel: opts.vmafModel,
      vmafModelDir: opts.vmafModelDir,
      dockerImage: opts.dockerImage,
      runDir: dir,
      workDir: workDir(dir),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `simq analyze` runs when the user chooses no scenario, sweep or cap: the seed question's
 * experiment (all-layers vs top-off: does f scaled down beat h at 640x360?) plus one more point on
 * h's maxBitrate, 300k, so h has three bitrates (300, 500 under f, 700 as the top layer) and recommend
 * can place h's maxBitrate for the target instead of advising a sweep. Quick mode (every 3rd
 * picture; within 0.25 VMAF of a full run on healthy captures, docs/vmaf.md) and 6 s per scenario
 * keep it near three minutes on two cores. A fourth point (h maxBitrate 1600k, h at 1200 kbps) was
 * tried and dropped: it added a minute, and three VP8 layers with h at 1.2 Mbps were CPU-limited
 * (f at 22-24 fps) on a quiet 2-core machine even after simq's retry. Anything the user sets wins.
 */
export const DEFAULT_ANALYZE_PLAN = {
  scenario: ['all-layers,top-off'],
  sweep: ['all-layers:h.maxBitrate=300k'],
  duration: '6',
  vmafSubsample: '3',
} as const;

/** Fills in the default plan when no scenario, sweep or cap was asked for; returns its one-line description, or undefined. */
export function applyDefaultPlan(opts: AnalyzeOptions): string | undefined {
  if (opts.scenario.length > 0 || opts.sweep.length > 0 || opts.bandwidth !== undefined) return undefined;
  opts.scenario = [...DEFAULT_ANALYZE_PLAN.scenario];
  opts.sweep = [...DEFAULT_ANALYZE_PLAN.sweep];
  opts.duration ??= DEFAULT_ANALYZE_PLAN.duration;
  opts.vmafSubsample ??= DEFAULT_ANALYZE_PLAN.vmafSubsample;
  // The default is known to be short: no question before its sweep.
  opts.yes = true;
  const sampling =
    opts.vmafSubsample === '1' ? 'every picture scored' : `quick mode, --vmaf-subsample ${opts.vmafSubsample}`;
  return `default plan: all-layers and top-off, plus all-layers with h maxBitrate 300k; ${opts.duration} s each; ${sampling}. Choose your own with --scenario / --sweep.`;
}

export async function analyze(clips: readonly string[], opts: AnalyzeOptions, argv: string[]): Promise<number> {
  // A study file's plan counts as the user's; a resume continues the run's own plan.
  if (opts.study !== undefined) applyStudyFile(clips, opts);
  const defaultPlan = opts.resume === undefined && opts.study === undefined ? applyDefaultPlan(opts) : undefined;
  if (defaultPlan !== undefined && !opts.quiet) process.stderr.write(`simq: ${defaultPlan}\n`);
  if (!(VMAF_BACKEND_CHOICES as readonly string[]).includes(opts.vmafBackend)) {
    throw new InputError(`--vmaf-backend ${opts.vmafBackend}: use one of ${VMAF_BACKEND_CHOICES.join(', ')}`);
  }
  // Option mistakes of the later stages fail now, not after minutes of capture.
  validateMeasureOptions(opts);
  const decisions = validateRecommendOptions({
    targetVmaf: opts.targetVmaf,
    targetPsnr: opts.targetPsnr,
    kneeSlope: opts.kneeSlope,
    bandwidths: opts.bandwidths,
    headroom: opts.headroom,
    hysteresis: opts.hysteresis,
    minFps: opts.minFps,
    clipShare: opts.clipShare,
    save: true,
  });
  // The measure stage's time per scenario, from the rate the last run on this machine measured.
  const rateKey = {
    subsample: Number(opts.vmafSubsample ?? 1),
    viewports: opts.viewports ?? DEFAULT_VIEWPORTS.map((v) => `${v.width}x${v.height}`).join(','),
  };
  const measureRate = measureSecondsPerCaptureSecond(rateKey).rate;
  const captured = await captureFromCli(clips, opts, argv, {
    laterStagesSecondsPerScenario: measureRate * Number(opts.duration ?? DEFAULT_DURATION_S),
    print: false,
    preflight: () => preflightVmaf(opts),
    measureSettings: measureSettingsOf(opts),
  });
  const { capture } = captured;
  const out: string[] = [...(defaultPlan ? [defaultPlan] : []), renderCaptureSummary(captured.summary)];
  const json: Record<string, unknown> = { ...(defaultPlan ? { defaultPlan } : {}), capture: captured.summary };
  let exitCode = captured.exitCode;
  const shown: { answer?: string } = {};
  const finish = () => {
    if (opts.json) process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    else
      process.stdout.write(
        printable(
          analyzeText(out, shown.answer, {
            details: Boolean(opts.details) || exitCode !== ExitCode.ok,
            defaultPlan,
            runDir: capture.dir,
          }),
        ) + '\n',
      );
    return exitCode;
  };
  // Interrupted, or nothing captured: nothing to measure.
  if (
    isSignalExit(exitCode) ||
    !capture.record.scenarios.some((s) => s.status === 'complete' || s.status === 'degraded')
  )
    return finish();

  // A resume measures only what is not measured yet (as the interrupted command would have), and
  // rewrites the recommendation and report.
  const resuming = opts.resume !== undefined;
  const measureOpts = resuming ? resumedMeasureOptions(capture.record, opts) : opts;
  const measured = await measureFromCli(
    capture.dir,
    { ...measureOpts, force: false, resume: resuming, json: false },
    false,
  );
  out.push(renderMeasureSummary(measured.summary));
  json.measure = measured.summary;
  if (exitCode === ExitCode.ok) exitCode = measured.exitCode;
  if (isSignalExit(measured.exitCode)) return finish();
  if (measured.summary.viewports.length === 0 && measured.summary.native.length === 0) return finish();

  const { recommendation, files } = runRecommendStage(capture.dir, {
    simqVersion: packageVersion(),
    ...decisions,
    senderScenario: opts.senderScenario,
    save: true,
  });
  out.push(renderRecommendationSummary(recommendation).trimEnd());
  json.recommendation = recommendation;
  const runRecord = readRunRecord(capture.dir);
  if (!resuming) rememberRate(runRecord, rateKey);
  const sideBySide = browserComparison(runRecord, layerRows(readQualityRows(capture.dir)));
  if (sideBySide.length) {
    const advice = firefoxSettingAdvice(runRecord);
    const shifts = (runRecord.measure?.feedShift ?? []).map(
      (f) =>
        `  ${f.scenarioId} ${f.rid}: Y ${f.meanDiff.y} / U ${f.meanDiff.u} / V ${f.meanDiff.v} (${f.frames} frames)`,
    );
    out.push(
      [
        renderBrowserComparison(sideBySide),
        ...(advice.length ? ['', 'What to set in Firefox:', ...advice.map((a) => `  ${a}`)] : []),
        ...(shifts.length
          ? [
              '',
              'Level shift of the page-played feed (mean code values, decoded layer minus reference; VMAF does not see it):',
              ...shifts,
            ]
          : []),
      ].join('\n'),
    );
    json.browsers = { sideBySide, firefoxAdvice: advice };
  }
  const report = writeReport(capture.dir, { force: resuming });
  out.push(`wrote ${[...files, report].join(', ')}\nrun directory: ${capture.dir}`);
  shown.answer = renderAnswerBlock(recommendation, report, Boolean(opts.details) || exitCode !== ExitCode.ok);
  json.files = [...files, report];
  json.runDir = capture.dir;
  return finish();
}

/**
 * What analyze prints: the answer block last, so it is in the last ten lines (Lighthouse's CLI
 * closes with its scores the same way). The stages' tables come before it with --details, or when
 * the run did not end well (their lines say why); without either, only the default plan's line.
 */
export function analyzeText(
  tables: readonly string[],
  answer: string | undefined,
  o: { details: boolean; defaultPlan?: string; runDir: string },
): string {
  if (answer === undefined) return tables.join('\n\n');
  if (o.details) return [...tables, answer].join('\n\n');
  return [...(o.defaultPlan ? [o.defaultPlan] : []), `run directory: ${o.runDir}`, answer].join('\n\n');
}

/** The measure stage's wall seconds per second of capture it measured, kept for the next estimate. */
function rememberRate(run: RunRecord, key: MeasureRateKey): void {
  const measured = run.scenarios.filter((s) => s.status === 'complete' || s.status === 'degraded');
  rememberMeasureRate(
    key,
    run.timings.measureS ?? 0,
    measured.reduce((t, s) => t + s.scenario.durationS, 0),
  );
}

/** The measure options this analyze runs with, as run.json keeps them (settings.measure). */
function measureSettingsOf(opts: AnalyzeOptions): MeasureSettings {
  return {
    ...(opts.viewports !== undefined ? { viewports: opts.viewports } : {}),
    vmafSubsample: opts.vmafSubsample ?? '1',
    view: opts.view === 'encoded' ? 'encoded' : 'displayed',
    vmafBackend: opts.vmafBackend,
    ...(opts.vmafModel !== undefined ? { vmafModel: opts.vmafModel } : {}),
    includeWarmup: Boolean(opts.includeWarmup),
    temporalLayers: Boolean(opts.temporalLayers),
  };
}

/**
 * Measure options of the resumed run where this command line leaves them unset: those its measure
 * stage used, or, when the capture was interrupted before it, those analyze recorded at the start.
 */
export function resumedMeasureOptions(run: RunRecord, opts: AnalyzeOptions): AnalyzeOptions {
  const saved = run.measure?.settings ?? run.settings.measure;
  if (saved === undefined) return opts;
  return {
    ...opts,
    viewports: opts.viewports ?? saved.viewports,
    vmafSubsample: opts.vmafSubsample ?? saved.vmafSubsample,
    view: opts.view === 'displayed' ? saved.view : opts.view,
    vmafBackend: opts.vmafBackend === 'auto' ? saved.vmafBackend : opts.vmafBackend,
    vmafModel: opts.vmafModel ?? saved.vmafModel,
    includeWarmup: opts.includeWarmup ?? (saved.includeWarmup || undefined),
    temporalLayers: opts.temporalLayers ?? (saved.temporalLayers || undefined),
  };
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('capture + measure + recommend + report in one new run directory (each stage is also a command)');
  addCaptureOptions(cmd);
  addMeasureOptions(cmd);
  addRecommendDecisionOptions(cmd);
  cmd.option(
    '--details',
    "print every stage's tables before the answer (they are always in the report and the run directory)",
  );
  cmd.action(async (clips: string[], opts: AnalyzeOptions) => {
    process.exitCode = await analyze(clips, opts, process.argv.slice(2));
  });
}
