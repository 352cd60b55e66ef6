// `simq analyze [clip]`: capture -> measure -> recommend -> report into one new run directory.
// Each stage is also a command of its own and can be re-run on the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { renderCaptureSummary } from '../capture/captureSummary.js';
import { ExitCode, InputError } from '../errors.js';
import { isSignalExit } from '../signals.js';
import { renderMeasureSummary } from '../measure/measureSummary.js';
import { workDir } from '../rundir/RunFiles.js';
import { resolveVmafSetup, VMAF_BACKEND_CHOICES, type VmafBackendChoice } from '../measure/vmaf/VmafSetup.js';
import { runRecommendStage } from '../recommend/recommendStage.js';
import { renderRecommendationSummary } from '../recommend/summary.js';
import { writeReport } from '../report/writeReport.js';
import { packageVersion } from '../paths.js';
import { addCaptureOptions, type CaptureCliOptions } from './captureOptions.js';
import { captureFromCli } from './capture.js';
import { addMeasureOptions, measureFromCli, type MeasureCliOptions } from './measure.js';
import { addRecommendDecisionOptions, validateRecommendOptions, type RecommendCliOptions } from './recommend.js';

type AnalyzeOptions = CaptureCliOptions & MeasureCliOptions & Omit<RecommendCliOptions, 'format' | 'out' | 'codec' | 'jitsiPreferCodec' | 'json' | 'save'>;

/** Rough measure cost per captured second and layer-size job on 2 cores, for the sweep estimate. */
const MEASURE_SECONDS_PER_SCENARIO = 40;

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

export async function analyze(clip: string | undefined, opts: AnalyzeOptions, argv: string[]): Promise<number> {
  if (!(VMAF_BACKEND_CHOICES as readonly string[]).includes(opts.vmafBackend)) {
    throw new InputError(`--vmaf-backend ${opts.vmafBackend}: use one of ${VMAF_BACKEND_CHOICES.join(', ')}`);
  }
  // Option mistakes of the later stages fail now, not after minutes of capture.
  const decisions = validateRecommendOptions({
    targetVmaf: opts.targetVmaf,
    targetPsnr: opts.targetPsnr,
    kneeSlope: opts.kneeSlope,
    bandwidths: opts.bandwidths,
    headroom: opts.headroom,
    hysteresis: opts.hysteresis,
    minFps: opts.minFps,
    save: true,
  });
  const captured = await captureFromCli(clip, opts, argv, {
    laterStagesSecondsPerScenario: MEASURE_SECONDS_PER_SCENARIO,
    print: false,
    preflight: () => preflightVmaf(opts),
  });
  const { capture } = captured;
  const out: string[] = [renderCaptureSummary(captured.summary)];
  const json: Record<string, unknown> = { capture: captured.summary };
  let exitCode = captured.exitCode;
  const finish = () => {
    if (opts.json) process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    else process.stdout.write(out.join('\n\n') + '\n');
    return exitCode;
  };
  // Interrupted, or nothing captured: nothing to measure.
  if (isSignalExit(exitCode) || !capture.record.scenarios.some((s) => s.status === 'complete' || s.status === 'degraded')) return finish();

  const measured = await measureFromCli(capture.dir, { ...opts, force: false, json: false }, false);
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
  const report = writeReport(capture.dir, {});
  out.push(`wrote ${[...files, report].join(', ')}\nrun directory: ${capture.dir}`);
  json.files = [...files, report];
  json.runDir = capture.dir;
  return finish();
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('capture + measure + recommend + report in one new run directory (each stage is also a command)');
  addCaptureOptions(cmd);
  addMeasureOptions(cmd);
  addRecommendDecisionOptions(cmd);
  cmd.action(async (clip: string | undefined, opts: AnalyzeOptions) => {
    process.exitCode = await analyze(clip, opts, process.argv.slice(2));
  });
}
