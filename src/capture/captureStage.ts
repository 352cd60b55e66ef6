// The capture stage: prepare the clip, then run every scenario in a fresh Chromium, writing each
// scenario's files as soon as it finishes and run.json after every scenario, so a crash or Ctrl-C
// keeps what was finished and marks the rest incomplete.
import { layerSwitching } from '../link/layerSwitches.js';
import { isMoving } from '../link/LinkTypes.js';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, InterruptedError, outputErrorFromErrno, SimqError } from '../errors.js';
import { abortOnSignals, interruptedBy } from '../signals.js';
import { markRunIncomplete } from '../rundir/openRun.js';
import { packageVersion } from '../paths.js';
import { createRunDirectory, writeRunRecord } from '../rundir/RunDirectory.js';
import {
  RUN_SCHEMA,
  type ClipRecord,
  type EnvironmentRecord,
  type MeasureSettings,
  type LayerRecord,
  type PlanRecord,
  type ReferenceClip,
  type RunRecord,
  type ScenarioRecord,
  type ValidityProblem,
} from '../rundir/RunTypes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import type { PlannedScenario } from '../study/StudyTypes.js';
import { StudyEstimate } from '../study/studyEstimate.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import type { Progress } from '../ui/progress.js';
import {
  CaptureSession,
  startBitrateFromEnv,
  STATS_INTERVAL_MS,
  type ScenarioCaptureResult,
} from './CaptureSession.js';
import { settleWaitS } from './steadyStart.js';
import { HarnessServer } from './HarnessServer.js';
import { checkScenario, sentInSteadyState } from './validity.js';
import type { BrowserInfo } from './browserInfo.js';
import type { JanusLocation } from '../sfu/janus/locateJanus.js';
import type { JanusExport } from '../recommend/exports/janus.js';

/** Kbps below which a steady bandwidth estimate counts as never having left Chrome's 300 kbps start. */
const STUCK_ESTIMATE_KBPS = 400;

/** An active layer never sent in steady state while the estimate sat at its start value, with room for more. */
export function bandwidthEstimateStuck(layers: LayerRecord[], capBps: number | undefined): boolean {
  if (capBps !== undefined && capBps / 1000 <= STUCK_ESTIMATE_KBPS * 1.5) return false;
  const available = layers.map((l) => l.steady?.availableOutgoingKbpsMedian).find((v) => v !== undefined);
  if (available === undefined || available > STUCK_ESTIMATE_KBPS) return false;
  // A layer configured at 0x0 is one libwebrtc does not send for this input size: not a sign of a stuck estimate.
  return layers.some((l) => l.active && l.configured.width > 0 && !sentInSteadyState(l));
}

/** Seconds of quiet before a CPU-degraded scenario is captured again (lets a passing load go by). */
const CPU_RETRY_PAUSE_MS = 3000;

function validityProblems(
  result: ScenarioCaptureResult,
  scenario: Scenario,
  reference: ReferenceClip,
): ValidityProblem[] {
  // Layers libwebrtc does not send for this input are notes, not problems (validity.ts checkScenario).
  const problems = checkScenario(scenario, reference, result.layers).problems;
  if (!result.settle.settled) {
    problems.push({
      rid: '*',
      kind: 'unsettled',
      message: `the sender had not settled ${settleWaitS()} s after the warm-up (${result.settle.problem})`,
    });
  }
  return problems;
}

/**
 * Why a scenario is worth one more capture in a fresh browser, if it is: its numbers would describe
 * a loopback or machine accident rather than the encodings under test.
 */
export function retryReason(
  result: ScenarioCaptureResult,
  problems: ValidityProblem[],
  scenario: Scenario,
): { reason: string; pauseMs?: number } | undefined {
  const reasons: string[] = [];
  // On loopback the send side's first bandwidth probe is now and then lost: the estimate stays at
  // Chrome's 300 kbps start and the higher layers never switch on.
  if (bandwidthEstimateStuck(result.layers, scenario.bandwidthBps))
    reasons.push('the bandwidth estimate stayed at its start value (higher layers never switched on)');
  // A moving link (src/link/) has no steady state: it is measured over time and never "still ramping".
  else if (!result.settle.settled && !(scenario.uplink && isMoving(scenario.uplink)))
    reasons.push(`the sender was still ramping ${settleWaitS()} s after the warm-up (${result.settle.problem})`);
  const cpu = problems.filter((p) => p.kind === 'cpu-limited' || p.kind === 'low-framerate');
  if (cpu.length) reasons.push(`CPU-degraded (${cpu.map((p) => p.message).join('; ')})`);
  if (reasons.length === 0) return undefined;
  return { reason: reasons.join('; '), pauseMs: cpu.length ? CPU_RETRY_PAUSE_MS : undefined };
}

/** The browser a scenario runs in. */
function browserFor(options: CaptureStageOptions, scenario: Scenario): BrowserInfo {
  const name = scenario.browser ?? 'chromium';
  const found = [options.browser, ...(options.browsers ?? [])].find((b) => b.name === name);
  if (!found) throw new SimqError(`${scenario.id}: runs in ${name}, which this run did not probe`, ExitCode.internal);
  return found;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export interface CaptureStageOptions {
  /** analyze: the measure options it will use, recorded as settings.measure (for --resume). */
  measureSettings?: MeasureSettings;
  /** The first browser of the run (Chromium unless only Firefox runs). */
  browser: BrowserInfo;
  /** Every browser the scenarios run in, when that is more than Chromium alone. */
  browsers?: BrowserInfo[];
  ffmpeg: FfmpegInfo;
  /** Every clip of the plan (the first is run.json's "input"). */
  clips: ClipRecord[];
  /** The scenarios this process captures, in order: the whole plan, a shard's share, or what a resume still lacks. */
  scenarios: PlannedScenario[];
  plan: PlanRecord;
  /** Continue this run (its lock is held by the caller) instead of creating one. */
  resume?: { dir: string; record: RunRecord };
  /** Seconds the later stages are expected to take per scenario (for the study's remaining-time estimate). */
  laterStagesSecondsPerScenario?: number;
  outDir: string;
  runId?: string;
  force?: boolean;
  argv: string[];
  progress: Progress;
  /** Aborted by the command's signal handlers (INT/TERM/HUP) before or during the capture. */
  signal?: AbortSignal;
  /** The Janus binary, when a scenario publishes through Janus (--sfu janus). */
  janus?: JanusLocation;
  /** The Janus export table viewers run (--janus-export). */
  janusExport?: { doc: JanusExport; file: string };
  /** Called after each scenario with the updated record (model-vs-browser comparison hooks in here). */
  onScenario?: (record: ScenarioRecord, run: RunRecord) => void;
}

export interface CaptureStageResult {
  dir: string;
  record: RunRecord;
  /** Set when the stage stopped early (crash, Ctrl-C); finished scenarios are on disk. */
  error?: SimqError;
}

function browserRecord(browser: BrowserInfo): EnvironmentRecord['browser'] {
  return {
    path: browser.path,
    source: browser.source,
    version: browser.version,
    userAgent: browser.userAgent,
    name: browser.name,
  };
}

export function ffmpegRecord(ffmpeg: FfmpegInfo): EnvironmentRecord['ffmpeg'] {
  return {
    path: ffmpeg.path,
    source: ffmpeg.source,
    version: ffmpeg.version,
    libvmaf: ffmpeg.hasLibvmaf ? `libvmaf ${ffmpeg.libvmafMajor === 2 ? '>= 2' : '1.x'}` : 'none',
  };
}

export function environmentOf(browser: BrowserInfo, ffmpeg: FfmpegInfo, browsers?: BrowserInfo[]): EnvironmentRecord {
  return {
    browser: browserRecord(browser),
    ...(browsers && browsers.length > 1 ? { browsers: browsers.map(browserRecord) } : {}),
    ffmpeg: ffmpegRecord(ffmpeg),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    simq: packageVersion(),
  };
}

export async function runCaptureStage(options: CaptureStageOptions): Promise<CaptureStageResult> {
  const reference = options.clips[0];
  // Read (and checked) before anything is created.
  const settings = { waitS: settleWaitS(), startBitrateKbps: startBitrateFromEnv() };
  if (options.resume) {
    const { dir, record } = options.resume;
    return captureInto(dir, record.runId, options, settings, () => dir);
  }
  const target = createRunDirectory({
    outDir: options.outDir,
    runId: options.runId,
    label: options.clips.length > 1 ? 'study' : path.parse(reference.source).name,
    force: options.force,
  });
  try {
    return await captureInto(target.dir, target.runId, options, settings, (failed) => {
      // A replacement becomes the run only when it succeeded; otherwise the old run stays.
      if (failed && target.dir !== target.finalDir) {
        target.discard();
        return undefined;
      }
      return target.commit();
    });
  } catch (e) {
    // A failed write (a full disk) ends here: the run says incomplete when run.json can still be written.
    if (target.dir === target.finalDir) {
      try {
        markRunIncomplete(target.dir, (e as Error).message);
      } catch {
        // the disk is still full: the next command finds the run "running" with no live holder
      }
    }
    target.discard();
    throw e;
  }
}

async function captureInto(
  dir: string,
  runId: string,
  options: CaptureStageOptions,
  { waitS, startBitrateKbps }: { waitS: number; startBitrateKbps: number | undefined },
  finish: (failed: boolean) => string | undefined,
): Promise<CaptureStageResult> {
  const { progress, scenarios } = options;
  const record = options.resume?.record ?? newRecord(runId, options, { waitS, startBitrateKbps });
  const clipOf = new Map(options.clips.map((c) => [c.id, c]));
  const entryOf = (p: PlannedScenario) => record.scenarios.find((e) => e.id === p.scenario.id)!;
  if (options.resume) {
    record.status = 'running';
    delete record.finishedAt;
    for (const p of scenarios)
      Object.assign(entryOf(p), { status: 'pending', layers: [], problems: [], error: undefined, retried: undefined });
    record.resumedAt = [...(record.resumedAt ?? []), new Date().toISOString()];
  }
  writeRunRecord(dir, record);
  progress.info(`run directory ${dir}`);
  const estimate = new StudyEstimate(record, options.laterStagesSecondsPerScenario ?? 0);

  const controller = new AbortController();
  const untrap = abortOnSignals(controller);
  options.signal?.addEventListener('abort', () => controller.abort(options.signal!.reason), { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const server = new HarnessServer();
  const serverUrl = await server.listen();
  const started = Date.now();
  let error: SimqError | undefined;
  try {
    for (let i = 0; i < scenarios.length; i++) {
      const scenario = scenarios[i].scenario;
      const reference = clipOf.get(scenarios[i].clipId)!;
      const entry = entryOf(scenarios[i]);
      entry.status = 'running';
      entry.startedAt = new Date().toISOString();
      writeRunRecord(dir, record);
      const label = `scenario ${i + 1}/${scenarios.length}`;
      progress.info(`${label} ${scenario.id}: ${scenario.durationS} s capture, warm-up ${scenario.warmupS} s`);
      const scenarioStarted = Date.now();
      try {
        const scenarioDir = path.join(dir, scenario.id);
        // A resumed scenario starts clean: files of a capture that was killed are not kept.
        rmSync(scenarioDir, { recursive: true, force: true });
        const capture = () =>
          new CaptureSession(
            {
              browserPath: browserFor(options, scenario).path,
              server,
              serverUrl,
              reference,
              signal: controller.signal,
              progress,
              label,
              janus: options.janus,
              janusExport: options.janusExport,
            },
            scenario,
            scenarioDir,
          ).run();
        let result = await capture();
        let problems = validityProblems(result, scenario, reference);
        const retry = retryReason(result, problems, scenario);
        if (retry) {
          progress.warn(`${scenario.id}: ${retry.reason}; capturing it again in a fresh browser`);
          rmSync(scenarioDir, { recursive: true, force: true });
          entry.retried = retry.reason;
          if (retry.pauseMs) await pause(retry.pauseMs, controller.signal);
          result = await capture();
          problems = validityProblems(result, scenario, reference);
        }
        entry.layers = result.layers;
        entry.encoderImplementation = result.encoderImplementation;
        if (result.sfu) entry.sfu = result.sfu;
        if (result.viewers) entry.viewers = result.viewers;
        entry.steadyStart = {
          fromS: Math.round(result.settle.steadyFromS * 1000) / 1000,
          settled: result.settle.settled,
          waitedS: Math.round((result.settle.steadyFromS - scenario.warmupS) * 10) / 10,
          problem: result.settle.problem,
        };
        const env = record.environment;
        const envBrowser = env.browsers?.find((b) => b.name === (scenario.browser ?? 'chromium')) ?? env.browser;
        envBrowser.userAgent ??= result.userAgent;
        entry.problems = problems;
        if (result.links) entry.links = result.links;
        if (scenario.uplink && isMoving(scenario.uplink)) entry.measuredOverTime = true;
        if (scenario.uplink) entry.layerSwitching = layerSwitching(result.timeline.rows(), result.settle.steadyFromS);
        const notes = checkScenario(scenario, reference, result.layers).notes;
        if (notes.length) entry.notes = notes;
        entry.status = entry.problems.length ? 'degraded' : 'complete';
      } catch (e) {
        entry.status = e instanceof InterruptedError || controller.signal.aborted ? 'incomplete' : 'failed';
        entry.error = (e as Error).message;
        error = controller.signal.aborted
          ? interruptedBy(controller.signal, scenario.id)
          : e instanceof SimqError
            ? e
            : (outputErrorFromErrno(e) ?? new SimqError(String(e), ExitCode.incomplete));
      }
      entry.finishedAt = new Date().toISOString();
      entry.captureS = Math.round((Date.now() - scenarioStarted) / 100) / 10;
      options.onScenario?.(entry, record);
      writeRunRecord(dir, record);
      progress.done();
      estimate.captured();
      if (!error) progress.info(estimate.line());
      // A crash, an interrupt or a missing codec ends the run: what comes next would fail the same way.
      if (error) break;
    }
  } finally {
    untrap();
    await server.close();
  }
  for (const s of record.scenarios) {
    if (s.status === 'pending' || s.status === 'running') {
      s.status = 'incomplete';
      s.error ??= 'not run: the run stopped early';
    }
  }
  record.timings.captureS =
    Math.round(((record.timings.captureS ?? 0) * (options.resume ? 1 : 0) + (Date.now() - started) / 1000) * 10) / 10;
  record.status = record.scenarios.some((s) => s.status === 'failed' || s.status === 'incomplete')
    ? 'incomplete'
    : record.scenarios.some((s) => s.status === 'degraded')
      ? 'degraded'
      : 'complete';
  record.finishedAt = new Date().toISOString();
  writeRunRecord(dir, record);
  const finalDir = finish(error !== undefined);
  if (finalDir === undefined) {
    // --force on a run that did not finish: the old run is untouched and nothing of the new one is kept.
    const e = error!;
    throw new SimqError(
      `${e.message}; the run was not replaced: ${path.join(path.dirname(dir), runId)} is kept as it was`,
      e.exitCode,
      e.fix,
    );
  }
  return { dir: finalDir, record, error };
}

function newRecord(
  runId: string,
  options: CaptureStageOptions,
  { waitS, startBitrateKbps }: { waitS: number; startBitrateKbps: number | undefined },
): RunRecord {
  const [first] = options.clips;
  const { id: _id, label: _label, ...input } = first;
  return {
    schema: RUN_SCHEMA,
    runId,
    status: 'running',
    createdAt: new Date().toISOString(),
    argv: options.argv,
    input,
    clips: options.clips,
    plan: options.plan,
    environment: environmentOf(options.browser, options.ffmpeg, options.browsers),
    settings: {
      statsIntervalMs: STATS_INTERVAL_MS,
      warmupNote:
        'per scenario: steady state starts once every active layer sends, none is bandwidth-limited and the targets stop moving ' +
        '(scenarios[].steadyStart), at warmupS at the earliest and warmupS + settleWaitS at the latest; the capture then runs durationS - warmupS seconds more',
      settleWaitS: waitS,
      startBitrateKbps,
      ...(options.measureSettings ? { measure: options.measureSettings } : {}),
    },
    scenarios: options.scenarios.map(({ clipId, scenario }) => ({
      id: scenario.id,
      clipId,
      scenario,
      status: 'pending',
      layers: [],
      problems: [],
    })),
    timings: {},
  };
}
