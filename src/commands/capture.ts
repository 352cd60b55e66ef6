// `simq capture [clip]`: the capture stage alone.
import { NetSandbox } from '../link/NetSandbox.js';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { assertEncodable, probeBrowser, type BrowserInfo } from '../capture/browserInfo.js';
import { browserProfile } from '../capture/BrowserProfile.js';
import type { BrowserName } from '../capture/BrowserDriverTypes.js';
import { prepareFeed } from '../input/prepareFeed.js';
import { runCaptureStage, type CaptureStageResult } from '../capture/captureStage.js';
import { captureSummary, renderCaptureSummary, type CaptureSummary } from '../capture/captureSummary.js';
import { ExitCode, InputError, SimqError } from '../errors.js';
import { printable } from '../ui/printable.js';
import { prepareClip, requireRegularFile, validatePrepareOptions } from '../input/prepareClip.js';
import { DEFAULT_SAMPLE, ensureSample } from '../samples/recipes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { createProgress, type Progress } from '../ui/progress.js';
import { addCaptureOptions, planCapture, type CaptureCliOptions, type CapturePlan } from './captureOptions.js';
import { checkRunTarget } from '../rundir/RunDirectory.js';
import { abortOnSignals, interruptedBy } from '../signals.js';
import { attachModelComparison } from '../capture/modelVsBrowser.js';
import { cameraTailS } from '../capture/steadyStart.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { environmentOf, ffmpegRecord } from '../capture/captureStage.js';
import { sha256File } from '../input/prepareClip.js';
import { shellCommand } from '../io/shellQuote.js';
import { openRun } from '../rundir/openRun.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import type { ClipRecord, MeasureSettings, RunRecord } from '../rundir/RunTypes.js';
import { clipIdOf } from '../study/clipId.js';
import { clipHashes, describeDifferences, differences, ffmpegVersions, toolVersions } from '../study/resumeCheck.js';
import { parseShard, parseShardBase } from '../study/shardPlan.js';
import { planStudy } from '../study/studyPlan.js';
import type { ShardSpec, StudyClip } from '../study/StudyTypes.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import { applyStudyFile, checkStudyOptions, givesPlan } from './studyOptions.js';
import { locateJanus, type JanusLocation } from '../sfu/janus/locateJanus.js';
import { JanusProcess } from '../sfu/janus/JanusProcess.js';

/** Seconds a capture costs beyond its duration (browser start, negotiation, writing files). */
const CAPTURE_OVERHEAD_S = 4;

export function estimateCaptureSeconds(scenarios: Scenario[]): number {
  return scenarios.reduce((s, sc) => s + sc.durationS + CAPTURE_OVERHEAD_S, 0);
}

async function confirmLongRun(
  scenarios: Scenario[],
  opts: CaptureCliOptions,
  progress: Progress,
  extraSecondsPerScenario = 0,
  clipCount = 1,
): Promise<void> {
  const swept = scenarios.some((s) => s.sweepPoint);
  if (!swept && clipCount <= 1) return;
  const n = scenarios.length * Math.max(1, clipCount);
  const seconds =
    (estimateCaptureSeconds(scenarios) + extraSecondsPerScenario * scenarios.length) * Math.max(1, clipCount);
  const line = `${n} scenarios (${[clipCount > 1 ? `${clipCount} clips` : '', swept ? 'sweep included' : ''].filter(Boolean).join(', ')}${opts.shard ? `; shard ${opts.shard} runs a share` : ''}), about ${Math.ceil(seconds / 60)} min`;
  progress.info(line);
  // Only sweeps ask (as before studies); a shard runs unattended on a machine of a job array.
  if (opts.yes || !swept || opts.shard !== undefined) return;
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
  /** Set by --resume: how many scenarios this process captured. */
  resumed?: { captured: number };
}

export interface CaptureRunOptions {
  /** Seconds the later stages add per scenario, for the sweep question's estimate. */
  laterStagesSecondsPerScenario?: number;
  /** Print the summary (false when `analyze --json` prints one combined document). */
  print?: boolean;
  /** Runs once the browser, ffmpeg and scenarios are known good, before anything is captured. */
  preflight?: () => Promise<void>;
  /** analyze: the options its measure stage will use, kept in run.json for `analyze --resume`. */
  measureSettings?: MeasureSettings;
}

export async function captureFromCli(
  clipArgs: readonly string[],
  opts: CaptureCliOptions,
  argv: string[],
  run: CaptureRunOptions = {},
): Promise<CaptureCommandResult> {
  const progress = createProgress({ quiet: opts.quiet });
  checkStudyOptions(opts);
  const planGiven = givesPlan(clipArgs, opts);
  const clips = applyStudyFile(clipArgs, opts);
  const plan = planCapture(opts);
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard, parseShardBase(opts.shardBase));
  // Every option is checked before a browser starts or a clip is converted.
  validatePrepareOptions({ size: plan.size, fps: plan.fps, durationS: plan.clipDurationS });
  // Shaped links need Linux, the capabilities and ip/tc/nft (netem for delay/jitter): refused now, with the fix.
  refuseFirefoxUplink(plan.scenarios);
  await NetSandbox.check(
    plan.scenarios.flatMap((s) => [
      ...(s.uplink ? [{ spec: s.uplink, where: `${s.id}: uplink` }] : []),
      ...(s.viewers ?? []).flatMap((v) =>
        v.linkSpec
          ? [{ spec: v.linkSpec, where: `${s.id}: viewer ${v.spec.slice(0, v.spec.indexOf('@'))} @LINK` }]
          : [],
      ),
    ]),
  );
  if (opts.resume === undefined) checkRunTarget({ outDir: opts.out, runId: opts.runId, force: opts.force });
  if (opts.resume === undefined)
    await confirmLongRun(plan.scenarios, opts, progress, run.laterStagesSecondsPerScenario ?? 0, clips.length);
  const controller = new AbortController();
  const untrap = abortOnSignals(controller);
  try {
    const study: StudyRequest = { clips, plan, planGiven, shard };
    if (opts.resume !== undefined)
      return await resumeWithSignals(opts.resume, study, opts, argv, run, progress, controller.signal);
    return await captureWithSignals(study, opts, argv, run, progress, controller.signal);
  } finally {
    untrap();
  }
}

/**
 * Firefox cannot run behind a shaped uplink (tried: "connect ECONNREFUSED 127.0.0.1:<port>"):
 * puppeteer reaches Firefox's WebDriver BiDi server on a TCP port of 127.0.0.1, and inside the
 * sender's namespace that is the namespace's own loopback, out of the root namespace's reach
 * (playwright drives Chromium over a pipe, which crosses namespaces).
 */
export function refuseFirefoxUplink(scenarios: Scenario[]): void {
  const s = scenarios.find((x) => x.uplink && !browserProfile(x.browser).drivenInNamespace);
  if (s) {
    throw new InputError(
      `${s.id}: a shaped uplink (${s.uplink!.text}) cannot run in Firefox: simq drives Firefox over WebDriver BiDi on a TCP port of 127.0.0.1, which inside the sender's network namespace is out of reach`,
      'run shaped links with --browser chromium (the default), or drop --uplink / "uplink" for the Firefox scenarios',
    );
  }
}

interface StudyRequest {
  clips: StudyClip[];
  plan: CapturePlan;
  /** The command line said what to run (a resume checks it against the run's plan). */
  planGiven: boolean;
  shard?: ShardSpec;
}

/** Prepares every clip (the default sample when none is given) and gives each its id. */
async function prepareClips(
  study: StudyRequest,
  ffmpeg: FfmpegInfo,
  progress: Progress,
  signal: AbortSignal,
  feed = false,
): Promise<ClipRecord[]> {
  const given = study.clips.length
    ? study.clips
    : [{ path: await ensureSample(DEFAULT_SAMPLE, { ffmpeg, progress, signal }) }];
  const out: ClipRecord[] = [];
  for (const c of given) {
    if (signal.aborted) throw interruptedBy(signal, 'capture');
    const { plan } = study;
    const prepared = await prepareClip(c.path, {
      size: plan.size,
      fps: plan.fps,
      durationS: plan.clipDurationS,
      tailS: cameraTailS(),
      ffmpeg,
      progress,
      signal,
    });
    // Firefox plays the clip in its page: the reference (and Chromium's camera, when both run) becomes that feed's decode.
    const reference = feed ? await prepareFeed(prepared, { ffmpeg, progress, signal }) : prepared;
    const id = clipIdOf(reference.source, reference.sourceSha256);
    if (out.some((o) => o.id === id))
      throw new InputError(`clip ${c.path} is given twice (same name and content as ${id})`);
    out.push({ id, ...(c.label ? { label: c.label } : {}), ...reference });
  }
  if (signal.aborted) throw interruptedBy(signal, 'capture');
  return out;
}

/**
 * SFU scenarios: the Janus binary, found like the browsers, and started and stopped once before any
 * clip is converted or run directory made, so a missing or broken Janus writes nothing.
 */
async function prepareSfu(
  scenarios: readonly Scenario[],
  opts: CaptureCliOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<JanusLocation | undefined> {
  if (!scenarios.some((s) => s.sfu === 'janus')) {
    if (opts.janus !== undefined)
      throw new InputError(`--janus ${opts.janus} without --sfu janus`, 'add --sfu janus, or drop --janus');
    return undefined;
  }
  const janus = locateJanus(opts.janus);
  const probe = await JanusProcess.start({ binary: janus.path, signal });
  progress.info(`Janus ${probe.version} at ${janus.path} (${janus.source}) starts and answers`);
  await probe.stop();
  return janus;
}

async function captureWithSignals(
  study: StudyRequest,
  opts: CaptureCliOptions,
  argv: string[],
  run: CaptureRunOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<CaptureCommandResult> {
  // A FIFO, device or folder is refused before Janus, ffmpeg or a browser is started (a missing
  // path is left to probeClip, which names the formats).
  for (const c of study.clips) if (existsSync(c.path)) requireRegularFile(c.path);
  const janus = await prepareSfu(study.plan.scenarios, opts, progress, signal);
  const ffmpeg = await probeFfmpeg(opts.ffmpeg);
  const names = [...new Set(study.plan.scenarios.map((s) => s.browser ?? 'chromium'))].sort();
  const browsers: BrowserInfo[] = [];
  for (const name of names) {
    const info = await probeBrowser({ chrome: opts.chrome, firefox: opts.firefox }, process.env, name, { cache: true });
    assertEncodable(info, [
      ...new Set(study.plan.scenarios.filter((s) => (s.browser ?? 'chromium') === name).map((s) => s.codec)),
    ]);
    browsers.push(info);
  }
  const browser = browsers[0];
  await run.preflight?.();
  if (signal.aborted) throw interruptedBy(signal, 'capture');
  const feed = names.some((n) => browserProfile(n).playsFeed);
  const clips = await prepareClips(study, ffmpeg, progress, signal, feed);
  const plan = planStudy(clips, study.plan.scenarios, study.shard);
  if (study.shard)
    progress.info(
      `shard ${study.shard.index}/${study.shard.count}: ${plan.share.length} of the plan's ${plan.all.length} scenarios (${plan.share.map((p) => p.scenario.id).join(', ') || 'none'})`,
    );
  // More shards than scenarios (a fixed-size job array on a small plan): this one has nothing to do,
  // which is not a failure; it writes no run and the merge of the others is complete without it.
  if (plan.share.length === 0)
    throw new SimqError(
      `--shard ${opts.shard}: this shard has no scenario of the plan's ${plan.all.length}; nothing to do, no run directory written`,
      ExitCode.ok,
    );
  const capture = await runCaptureStage({
    signal,
    browser,
    browsers: names.includes('firefox') ? browsers : undefined,
    ffmpeg,
    clips,
    scenarios: plan.share,
    plan: plan.record,
    outDir: opts.out,
    runId: opts.runId,
    force: opts.force,
    argv,
    progress,
    laterStagesSecondsPerScenario: run.laterStagesSecondsPerScenario,
    measureSettings: run.measureSettings,
    onScenario: attachModelComparison,
    janus,
    janusExport: study.plan.janusExport,
  });
  return finishCapture(capture, opts, run, progress);
}

/** --resume: checks the run still describes these clips, this plan and these tools, then captures what it lacks. */
async function resumeWithSignals(
  dir: string,
  study: StudyRequest,
  opts: CaptureCliOptions,
  argv: string[],
  run: CaptureRunOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<CaptureCommandResult> {
  const abs = path.resolve(dir);
  const { lock, staleNote } = openRun(abs, 'capture --resume');
  try {
    if (staleNote) progress.warn(staleNote);
    const record = readRunRecord(abs);
    const ffmpeg = await probeFfmpeg(opts.ffmpeg ?? record.environment.ffmpeg.path);
    const missing = record.scenarios.filter((s) => s.status !== 'complete' && s.status !== 'degraded');
    // The browsers matter only for scenarios still to capture: a run whose capture is finished resumes
    // its measure with any browser installed, or none (a browser update since must not lose the run).
    const names = [
      ...new Set(missing.length ? record.scenarios.map((s) => s.scenario.browser ?? 'chromium') : []),
    ].sort();
    const browsers = await probeRecordedBrowsers(record, names, opts);
    const browser = browsers[0];
    const onRecord = toolVersions(record.environment);
    const tools = browser
      ? differences([onRecord, toolVersions(environmentOf(browser, ffmpeg, browsers))])
      : differences([ffmpegVersions(record.environment.ffmpeg), ffmpegVersions(ffmpegRecord(ffmpeg))]);
    if (tools.length)
      throw new InputError(
        `--resume ${abs}: ${describeDifferences(tools)} (run vs this machine); simq does not mix tool versions in one run`,
        'resume on a machine with the same browser, ffmpeg and libvmaf, or start a new run',
      );
    await checkResumedClips(abs, record, study, opts, ffmpeg, progress, signal);
    progress.info(
      `resume ${abs}: ${record.scenarios.length - missing.length} of ${record.scenarios.length} scenarios kept, ${missing.length} to capture`,
    );
    await run.preflight?.();
    if (missing.length === 0)
      return {
        capture: { dir: abs, record },
        summary: captureSummary(abs, record),
        exitCode: ExitCode.ok,
        resumed: { captured: 0 },
      };
    for (const b of browsers)
      assertEncodable(b, [
        ...new Set(missing.filter((s) => (s.scenario.browser ?? 'chromium') === b.name).map((s) => s.scenario.codec)),
      ]);
    const clips = record.clips;
    const janus = await prepareSfu(
      missing.map((s) => s.scenario),
      opts,
      progress,
      signal,
    );
    const capture = await runCaptureStage({
      janus,
      janusExport: study.plan.janusExport,
      signal,
      browser,
      ffmpeg,
      clips,
      browsers: names.includes('firefox') ? browsers : undefined,
      scenarios: missing.map((s) => ({ clipId: s.clipId, scenario: s.scenario })),
      plan: record.plan ?? { hash: '', scenarioIds: record.scenarios.map((s) => s.id) },
      resume: { dir: abs, record },
      outDir: path.dirname(abs),
      argv,
      progress,
      laterStagesSecondsPerScenario: run.laterStagesSecondsPerScenario,
      onScenario: attachModelComparison,
    });
    return { ...(await finishCapture(capture, opts, run, progress)), resumed: { captured: missing.length } };
  } finally {
    lock.release();
  }
}

/** Every browser the named scenarios use, from the paths the run recorded unless given again. */
async function probeRecordedBrowsers(
  record: RunRecord,
  names: readonly BrowserName[],
  opts: CaptureCliOptions,
): Promise<BrowserInfo[]> {
  const recorded = (name: string) =>
    record.environment.browsers?.find((b) => b.name === name)?.path ??
    (record.environment.browser.name === name ? record.environment.browser.path : undefined);
  const browsers: BrowserInfo[] = [];
  for (const name of names)
    browsers.push(
      await probeBrowser(
        { chrome: opts.chrome ?? recorded('chromium'), firefox: opts.firefox ?? recorded('firefox') },
        process.env,
        name,
        { cache: true },
      ),
    );
  return browsers;
}

/** The clips' content (and, when the command line gives one, the plan) must be what the run was made from. */
async function checkResumedClips(
  abs: string,
  record: RunRecord,
  study: StudyRequest,
  opts: CaptureCliOptions,
  ffmpeg: FfmpegInfo,
  progress: Progress,
  signal: AbortSignal,
): Promise<void> {
  for (const c of record.clips) {
    if (!existsSync(c.source))
      throw new InputError(
        `--resume ${abs}: clip ${c.source} (${c.id}) is gone`,
        'put the clip back where the run found it, or start a new run',
      );
    const sha = await sha256File(c.source, signal);
    if (sha !== c.sourceSha256)
      throw new InputError(
        `--resume ${abs}: clip ${c.source} (${c.id}) changed: sha256 ${sha.slice(0, 12)}... is not the run's ${c.sourceSha256.slice(0, 12)}...`,
        'restore the clip the run was made from, or start a new run',
      );
    if (!existsSync(c.y4m))
      throw new InputError(
        `--resume ${abs}: the prepared clip ${c.y4m} is gone (the clip cache was cleared?)`,
        `re-create it with: ${shellCommand([ffmpeg.path, ...c.preparedWith])}`,
      );
  }
  if (!study.planGiven) return;
  const prepared = await prepareClips(study, ffmpeg, progress, signal);
  const plan = planStudy(prepared, study.plan.scenarios, record.plan?.shard);
  if (record.plan && plan.record.hash === record.plan.hash) return;
  const had = new Set(record.plan?.scenarioIds ?? record.scenarios.map((s) => s.id));
  const now = new Set(plan.record.scenarioIds);
  const onlyRun = [...had].filter((id) => !now.has(id));
  const onlyCmd = [...now].filter((id) => !had.has(id));
  const clipDiff = differences([
    { 'clips (sha256)': clipHashes(record) },
    { 'clips (sha256)': prepared.map((c) => `${c.id} ${c.sourceSha256}`).join(', ') },
  ]);
  const what = [
    ...(clipDiff.length ? [describeDifferences(clipDiff)] : []),
    ...(onlyRun.length ? [`scenarios only in the run: ${onlyRun.join(', ')}`] : []),
    ...(onlyCmd.length ? [`scenarios only in this command: ${onlyCmd.join(', ')}`] : []),
  ];
  throw new InputError(
    `--resume ${abs}: the plan differs from the run's (plan.hash ${record.plan?.hash.slice(0, 12) ?? 'none'} vs ${plan.record.hash.slice(0, 12)}${what.length ? `; ${what.join('; ')}` : '; same scenario ids, other settings'})`,
    `simq analyze --resume ${abs} with no clip or plan options continues the run's own plan`,
  );
}

function finishCapture(
  capture: CaptureStageResult,
  opts: CaptureCliOptions,
  run: CaptureRunOptions,
  progress: Progress,
): CaptureCommandResult {
  const summary = captureSummary(capture.dir, capture.record);
  if (run.print !== false) {
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(printable(renderCaptureSummary(summary)) + '\n');
  }
  let exitCode: number = ExitCode.ok;
  if (capture.error) {
    progress.warn(capture.error.message);
    exitCode = capture.error.exitCode;
  } else if (capture.record.status === 'degraded' && !opts.allowDegraded) {
    progress.warn(degradedWarning(capture.record));
    exitCode = ExitCode.degraded;
  }
  return { capture, summary, exitCode };
}

/** Why a degraded capture exits 4, naming an SVC mode the browser did not honour apart from CPU load. */
export function degradedWarning(record: Pick<RunRecord, 'scenarios'>): string {
  const kinds = new Set(record.scenarios.flatMap((s) => s.problems.map((p) => p.kind)));
  const parts: string[] = [];
  if (kinds.has('svc-mode'))
    parts.push(
      'the browser did not send the scalabilityMode asked for (see above): nothing was measured as that mode. Ask for a mode this browser and codec support (docs/svc.md lists them)',
    );
  if ([...kinds].some((k) => k !== 'svc-mode'))
    parts.push(
      'some layers were CPU-limited or below their configured resolution / frame rate (see above): their numbers do not describe the configuration. Re-run on a quieter machine',
    );
  return `${parts.join('; ')}, or add --allow-degraded to accept them.`;
}

export function registerCapture(program: Command): void {
  addCaptureOptions(
    program
      .command('capture')
      .description(
        "capture stage: send simulcast from Chromium and record every layer's bitstream and a per-second stats timeline",
      ),
  ).action(async (clips: string[], opts: CaptureCliOptions) => {
    const { exitCode } = await captureFromCli(clips, opts, process.argv.slice(2));
    process.exitCode = exitCode;
  });
}
