// `simq capture [clip]`: the capture stage alone.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { assertEncodable, probeBrowser, type BrowserInfo } from '../capture/browserInfo.js';
import { prepareFeed } from '../input/prepareFeed.js';
import { runCaptureStage, type CaptureStageResult } from '../capture/captureStage.js';
import { captureSummary, renderCaptureSummary, type CaptureSummary } from '../capture/captureSummary.js';
import { ExitCode, InputError } from '../errors.js';
import { prepareClip, validatePrepareOptions } from '../input/prepareClip.js';
import { DEFAULT_SAMPLE, ensureSample } from '../samples/recipes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { createProgress, type Progress } from '../ui/progress.js';
import { addCaptureOptions, planCapture, type CaptureCliOptions, type CapturePlan } from './captureOptions.js';
import { checkRunTarget } from '../rundir/RunDirectory.js';
import { abortOnSignals, interruptedBy } from '../signals.js';
import { attachModelComparison } from '../capture/modelVsBrowser.js';

/** Seconds a capture costs beyond its duration (browser start, negotiation, writing files). */
const CAPTURE_OVERHEAD_S = 4;

export function estimateCaptureSeconds(scenarios: Scenario[]): number {
  return scenarios.reduce((s, sc) => s + sc.durationS + CAPTURE_OVERHEAD_S, 0);
}

async function confirmLongRun(scenarios: Scenario[], opts: CaptureCliOptions, progress: Progress, extraSecondsPerScenario = 0): Promise<void> {
  const swept = scenarios.some((s) => s.sweepPoint);
  if (!swept) return;
  const seconds = estimateCaptureSeconds(scenarios) + extraSecondsPerScenario * scenarios.length;
  const line = `${scenarios.length} scenarios (sweep included), about ${Math.ceil(seconds / 60)} min`;
  progress.info(line);
  if (opts.yes) return;
  if (!process.stdin.isTTY) throw new InputError(`${line}: add --yes to run it without a question`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('Run it? [y/N] ');
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new InputError('cancelled');
}

export interface CaptureCommandResult {
  capture: CaptureStageResult;
  summary: CaptureSummary;
  exitCode: number;
}

export interface CaptureRunOptions {
  /** Seconds the later stages add per scenario, for the sweep question's estimate. */
  laterStagesSecondsPerScenario?: number;
  /** Print the summary (false when `analyze --json` prints one combined document). */
  print?: boolean;
  /** Runs once the browser, ffmpeg and scenarios are known good, before anything is captured. */
  preflight?: () => Promise<void>;
}

export async function captureFromCli(clip: string | undefined, opts: CaptureCliOptions, argv: string[], run: CaptureRunOptions = {}): Promise<CaptureCommandResult> {
  const progress = createProgress({ quiet: opts.quiet });
  const plan = planCapture(opts);
  // Every option is checked before a browser starts or a clip is converted.
  validatePrepareOptions({ size: plan.size, fps: plan.fps, durationS: plan.clipDurationS });
  checkRunTarget({ outDir: opts.out, runId: opts.runId, force: opts.force });
  await confirmLongRun(plan.scenarios, opts, progress, run.laterStagesSecondsPerScenario ?? 0);
  const controller = new AbortController();
  const untrap = abortOnSignals(controller);
  try {
    return await captureWithSignals(clip, opts, argv, run, plan, progress, controller.signal);
  } finally {
    untrap();
  }
}

async function captureWithSignals(
  clip: string | undefined,
  opts: CaptureCliOptions,
  argv: string[],
  run: CaptureRunOptions,
  plan: CapturePlan,
  progress: Progress,
  signal: AbortSignal,
): Promise<CaptureCommandResult> {
  const ffmpeg = await probeFfmpeg(opts.ffmpeg);
  const names = [...new Set(plan.scenarios.map((s) => s.browser ?? 'chromium'))].sort();
  const browsers: BrowserInfo[] = [];
  for (const name of names) {
    const info = await probeBrowser({ chrome: opts.chrome, firefox: opts.firefox }, process.env, name);
    assertEncodable(info, [...new Set(plan.scenarios.filter((s) => (s.browser ?? 'chromium') === name).map((s) => s.codec))]);
    browsers.push(info);
  }
  const browser = browsers[0];
  await run.preflight?.();
  if (signal.aborted) throw interruptedBy(signal, 'capture');
  const clipPath = clip ?? (await ensureSample(DEFAULT_SAMPLE, { ffmpeg, progress, signal }));
  if (signal.aborted) throw interruptedBy(signal, 'capture');
  const prepared = await prepareClip(clipPath, { size: plan.size, fps: plan.fps, durationS: plan.clipDurationS, ffmpeg, progress, signal });
  // Firefox plays the clip in its page: the reference (and Chromium's camera, when both run) becomes that feed's decode.
  const reference = names.includes('firefox') ? await prepareFeed(prepared, { ffmpeg, progress, signal }) : prepared;
  if (signal.aborted) throw interruptedBy(signal, 'capture');
  const capture = await runCaptureStage({
    signal,
    browser,
    browsers: names.includes('firefox') ? browsers : undefined,
    ffmpeg,
    reference,
    scenarios: plan.scenarios,
    outDir: opts.out,
    runId: opts.runId,
    force: opts.force,
    argv,
    progress,
    onScenario: attachModelComparison,
  });
  const summary = captureSummary(capture.dir, capture.record);
  if (run.print !== false) {
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(renderCaptureSummary(summary) + '\n');
  }
  let exitCode: number = ExitCode.ok;
  if (capture.error) {
    progress.warn(capture.error.message);
    exitCode = capture.error.exitCode;
  } else if (capture.record.status === 'degraded' && !opts.allowDegraded) {
    progress.warn('some layers were CPU-limited or below their configured resolution / frame rate (see above): their numbers do not describe the configuration. Re-run on a quieter machine, or add --allow-degraded to accept them.');
    exitCode = ExitCode.degraded;
  }
  return { capture, summary, exitCode };
}

export function registerCapture(program: Command): void {
  addCaptureOptions(
    program
      .command('capture')
      .description('capture stage: send simulcast from Chromium and record every layer\'s bitstream and a per-second stats timeline'),
  ).action(async (clip: string | undefined, opts: CaptureCliOptions) => {
    const { exitCode } = await captureFromCli(clip, opts, process.argv.slice(2));
    process.exitCode = exitCode;
  });
}
