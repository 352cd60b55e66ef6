// `simq viewers [clip]`: default against recommended, at the viewer (issue 21 point 5). The same
// viewers subscribe through a real Janus twice: once to the browser's default encodings (the
// all-layers preset: q/h/f at 4/2/1, no maxBitrate) with Janus's own layer behaviour for the
// viewers simq would steer, and once to simq's recommended encodings with its layer table (the
// Janus export of the recommendation). Both arms are measured at the viewer and compared per
// viewer: which gave more quality for the bits, and fewer freezes, or "no clear difference" when
// the difference is within the noise (src/compare/verdict.ts).
//
// A command of its own rather than an analyze mode: analyze answers "which layer and maxBitrate"
// from the loopback and ends with that answer block; this answers "what do viewers see with each
// configuration" and needs a recommendation first (analyze's own plan, run here, or a given
// recommendation.json). Each arm is an ordinary run directory (capture + measure) inside one folder,
// so `simq report` and every other stage work on it.
import { checkRecommendation } from '../recommend/checkRecommendation.js';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, InputError, OutputError } from '../errors.js';
import { printable } from '../ui/printable.js';
import { createProgress } from '../ui/progress.js';
import { isSignalExit } from '../signals.js';
import { parseViewers } from '../viewer/parseViewers.js';
import type { ViewerSpec } from '../viewer/ViewerTypes.js';
import { renderExport } from '../recommend/exports/formats.js';
import { runRecommendStage, writeTextFile } from '../recommend/recommendStage.js';
import type { Recommendation } from '../recommend/RecommendationTypes.js';
import type { JanusExport } from '../recommend/exports/janus.js';
import { TablePolicyState } from '../viewer/tablePolicy.js';
import { RECOMMENDATION_JSON } from '../rundir/RunFiles.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import { packageVersion } from '../paths.js';
import { captureFromCli } from './capture.js';
import { planCapture, type CaptureCliOptions } from './captureOptions.js';
import { measureFromCli, validateMeasureOptions, type MeasureCliOptions } from './measure.js';
import { DEFAULT_ANALYZE_PLAN } from './analyze.js';
import { validateRecommendOptions } from './recommend.js';
import {
  DEFAULT_BANDWIDTHS_BPS,
  DEFAULT_HEADROOM,
  DEFAULT_HYSTERESIS,
  DEFAULT_TARGET_PSNR,
  DEFAULT_TARGET_VMAF,
} from '../recommend/recommend.js';
import { commonEndS, commonSteadyStartS, runViewerFigures, viewerScenario } from '../compare/armFigures.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import { compareViewer } from '../compare/verdict.js';
import { renderComparison } from '../compare/renderComparison.js';
import { ARMS, type Arm, type ArmViewerFigures, type ViewerComparison } from '../compare/CompareTypes.js';

export const DEFAULT_COMPARE_VIEWERS = '320x180:table,640x360:table';
/** Short captures keep the command near five minutes on 2 cores at 640x360 (README). */
export const DEFAULT_COMPARE_DURATION_S = '10';
export const COMPARISON_FILE = 'viewers.json';

interface ViewersOptions {
  viewers: string;
  recommendation?: string;
  codec?: string;
  duration: string;
  warmup?: string;
  size?: string;
  fps?: string;
  uplink?: string;
  out: string;
  runId?: string;
  force?: boolean;
  chrome?: string;
  janus?: string;
  ffmpeg?: string;
  vmafBackend: string;
  vmafModel?: string;
  vmafModelDir?: string;
  vmafSubsample?: string;
  jobs?: string;
  targetVmaf?: string;
  allowDegraded?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/**
 * The default arm's viewers: a `table` viewer gets Janus's own behaviour (`janus`: the top substream,
 * Janus's fallback when packets stop), what a Janus with no simq table does; fixed and janus viewers
 * stay as they are. Names keep their position, so viewer i of one arm is viewer i of the other.
 */
export function defaultArmViewers(viewers: readonly ViewerSpec[]): string[] {
  return viewers.map((v) =>
    v.policy.kind === 'table' ? `${v.width}x${v.height}:janus${v.link === undefined ? '' : `@${v.link}`}` : v.spec,
  );
}

/** --recommendation: a recommendation.json, or a run directory holding one. */
/** Every `table` viewer's size has rows in the recommendation's Janus subscriber table (TablePolicyState throws, naming the sizes it has). */
function checkTableViewers(rec: Recommendation, codecOption: string | undefined, viewers: readonly ViewerSpec[]): void {
  const codec = codecOption ?? (rec.codecs.length === 1 ? rec.codecs[0].codec : undefined);
  if (codec === undefined) return;
  const doc = JSON.parse(renderExport(rec, 'janus', codec)) as JanusExport;
  for (const v of viewers)
    if (v.policy.kind === 'table') new TablePolicyState(doc, `${v.width}x${v.height}`, `viewer ${v.spec}`);
}

function readRecommendation(given: string): { rec: Recommendation; file: string } {
  const abs = path.resolve(given);
  const file = existsSync(abs) && statSync(abs).isDirectory() ? path.join(abs, RECOMMENDATION_JSON) : abs;
  if (!existsSync(file))
    throw new InputError(
      `--recommendation ${given}: no ${path.basename(file)} there`,
      'give a recommendation.json (simq recommend RUN writes one into the run directory), or leave --recommendation out to let simq analyze the clip first',
    );
  const fix = 'simq recommend RUN writes one into the run directory';
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`--recommendation ${file}: not a simq recommendation.json (${(e as Error).message})`, fix);
  }
  const rec = checkRecommendation(doc, `--recommendation ${file}`, fix);
  if (rec.codecs.length === 0)
    throw new InputError(`--recommendation ${file}: not a simq recommendation.json (no codecs)`, fix);
  return { rec, file };
}

interface ArmResult {
  runDir: string;
  exitCode: number;
  seconds: number;
}

const seconds = (from: number) => Math.round((Date.now() - from) / 100) / 10;
const worst = (a: number, b: number) => (a === ExitCode.ok ? b : a);

/**
 * A viewer whose quality for the bits could not be compared (an arm with no scored picture or no
 * received second in the window) is no answer: one line each, with the window and each arm's figures.
 * The command says them on stderr and ends with exit 5 (incomplete), so a script never reads a verdict.
 */
export function unansweredViewers(
  comparisons: readonly ViewerComparison[],
  windowOf: (i: number) => { fromS: number; toS: number },
): string[] {
  const arm = (a: ArmViewerFigures | undefined) =>
    a ? `${a.ticks} pictures, VMAF ${a.vmafMean ?? 'none'}, ${a.kbps ?? 'no'} kbps` : 'not measured';
  return comparisons.flatMap((c, i) => {
    if (c.qualityForBits !== 'not measured') return [];
    const { fromS, toS } = windowOf(i);
    return [
      `${c.spec}: no comparison over ${fromS.toFixed(3)}-${toS} s (default arm: ${arm(c.arms.default)}; recommended arm: ${arm(c.arms.recommended)}); capture again, or a longer --duration`,
    ];
  });
}

export async function viewersCommand(clips: readonly string[], opts: ViewersOptions, argv: string[]): Promise<number> {
  const started = Date.now();
  const progress = createProgress({ quiet: opts.quiet });
  // Every option is checked before anything runs.
  const viewers = parseViewers(opts.viewers);
  const defaultViewers = defaultArmViewers(viewers);
  const sizes = [...new Set(viewers.map((v) => `${v.width}x${v.height}`))].join(',');
  const measureBase: MeasureCliOptions = {
    viewports: sizes,
    vmafBackend: opts.vmafBackend,
    vmafModel: opts.vmafModel,
    vmafModelDir: opts.vmafModelDir,
    jobs: opts.jobs,
    view: 'displayed',
    vmafSubsample: opts.vmafSubsample,
    allowDegraded: opts.allowDegraded,
    ffmpeg: opts.ffmpeg,
    quiet: opts.quiet,
  };
  validateMeasureOptions(measureBase);
  const decisions = validateRecommendOptions({
    targetVmaf: opts.targetVmaf ?? String(DEFAULT_TARGET_VMAF),
    targetPsnr: String(DEFAULT_TARGET_PSNR),
    bandwidths: DEFAULT_BANDWIDTHS_BPS.map((b) => `${b / 1000}k`).join(','),
    headroom: String(DEFAULT_HEADROOM),
    hysteresis: String(DEFAULT_HYSTERESIS),
    save: true,
  });
  const given = opts.recommendation === undefined ? undefined : readRecommendation(opts.recommendation);
  // A table viewer needs its size in the export's subscriber table: refused now, not after an arm.
  if (given) checkTableViewers(given.rec, opts.codec, viewers);
  const clipName = clips[0] === undefined ? 'camera' : path.basename(clips[0]).replace(/\.[^.]+$/, '');
  const runId =
    opts.runId ??
    `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-viewers-${clipName.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const base = path.resolve(opts.out, runId);
  if (existsSync(base)) {
    if (!opts.force)
      throw new OutputError(
        `${base} already exists; simq never overwrites a comparison`,
        'choose another --run-id, or add --force to replace it',
      );
    if (!existsSync(path.join(base, COMPARISON_FILE)) && !existsSync(path.join(base, 'default')))
      throw new OutputError(
        `${base} is not a simq viewers comparison; --force only replaces those`,
        'choose another --run-id',
      );
  }
  const capture = (runIdOf: string, extra: Partial<CaptureCliOptions>): CaptureCliOptions => ({
    scenario: [],
    sweep: [],
    codec: opts.codec,
    duration: opts.duration,
    warmup: opts.warmup,
    size: opts.size,
    fps: opts.fps,
    out: base,
    runId: runIdOf,
    force: opts.force,
    chrome: opts.chrome,
    ffmpeg: opts.ffmpeg,
    allowDegraded: opts.allowDegraded,
    quiet: opts.quiet,
    yes: true,
    ...extra,
  });
  const armOptions = (arm: Arm, exportFile: string, codec = opts.codec): Partial<CaptureCliOptions> =>
    arm === 'default'
      ? {
          scenario: ['all-layers'],
          codec,
          sfu: 'janus',
          janus: opts.janus,
          viewers: defaultViewers.join(','),
          uplink: opts.uplink,
        }
      : {
          janusExport: exportFile,
          codec,
          sfu: 'janus',
          janus: opts.janus,
          viewers: viewers.map((v) => v.spec).join(','),
          uplink: opts.uplink,
        };
  // The default arm's plan is checked now (e.g. --uplink where this build cannot shape a Janus
  // sender), so a refused option writes nothing; the recommended arm's differs only by the export.
  planCapture(capture('default', armOptions('default', '')));
  mkdirSync(base, { recursive: true });

  let exitCode: number = ExitCode.ok;
  const timings: Record<string, number> = {};

  // 1. The recommendation: given, or simq's own analyze plan of this clip in the loopback.
  let rec: Recommendation;
  let recSource: string;
  if (given) {
    rec = given.rec;
    recSource = given.file;
  } else {
    const t = Date.now();
    progress.info(
      "recommendation: simq analyze's default plan of the clip in the loopback (all-layers, top-off, h at 300k)",
    );
    const c = await captureFromCli(
      clips,
      capture('recommendation', {
        scenario: [...DEFAULT_ANALYZE_PLAN.scenario],
        sweep: [...DEFAULT_ANALYZE_PLAN.sweep],
        duration: DEFAULT_ANALYZE_PLAN.duration,
        uplink: undefined,
      }),
      argv,
      { print: false },
    );
    exitCode = worst(exitCode, c.exitCode);
    if (isSignalExit(c.exitCode)) return c.exitCode;
    const m = await measureFromCli(
      c.capture.dir,
      { ...measureBase, vmafSubsample: opts.vmafSubsample ?? DEFAULT_ANALYZE_PLAN.vmafSubsample },
      false,
    );
    exitCode = worst(exitCode, m.exitCode);
    if (isSignalExit(m.exitCode)) return m.exitCode;
    rec = runRecommendStage(c.capture.dir, { simqVersion: packageVersion(), ...decisions, save: true }).recommendation;
    recSource = path.join(c.capture.dir, RECOMMENDATION_JSON);
    timings.recommendationS = seconds(t);
  }
  const codec = opts.codec ?? (rec.codecs.length === 1 ? rec.codecs[0].codec : undefined);
  if (codec === undefined)
    throw new InputError(
      `the recommendation holds several codecs (${rec.codecs.map((c) => c.codec).join(', ')})`,
      `add --codec ${rec.codecs[0].codec}`,
    );
  if (!given) checkTableViewers(rec, codec, viewers);
  const exportFile = path.join(base, 'janus.json');
  writeTextFile(exportFile, renderExport(rec, 'janus', codec));
  const targetVmaf =
    opts.targetVmaf !== undefined
      ? decisions.targetVmaf
      : rec.settings.metric.name === 'vmaf'
        ? rec.settings.targetScore
        : (rec.settings.targetVmaf ?? DEFAULT_TARGET_VMAF);

  // 2. The two arms, one after the other (one browser at a time), each captured and measured.
  const arms = {} as Record<Arm, ArmResult>;
  for (const arm of ARMS) {
    const t = Date.now();
    progress.info(
      `${arm} arm: ${arm === 'default' ? "the browser's default encodings (all-layers), viewers " + defaultViewers.join(',') : `the recommended encodings and layer table (${exportFile}), viewers ${viewers.map((v) => v.spec).join(',')}`}`,
    );
    const c = await captureFromCli(clips, capture(arm, armOptions(arm, exportFile, codec)), argv, { print: false });
    exitCode = worst(exitCode, c.exitCode);
    if (isSignalExit(c.exitCode)) return c.exitCode;
    const m = await measureFromCli(c.capture.dir, { ...measureBase, vmafSubsample: opts.vmafSubsample }, false);
    exitCode = worst(exitCode, m.exitCode);
    if (isSignalExit(m.exitCode)) return m.exitCode;
    arms[arm] = { runDir: c.capture.dir, exitCode: worst(c.exitCode, m.exitCode), seconds: seconds(t) };
    timings[`${arm}S`] = arms[arm].seconds;
  }

  // 3. Per viewer, the two arms side by side.
  const specsOf = { default: defaultViewers, recommended: viewers.map((v) => v.spec) };
  const records = Object.fromEntries(ARMS.map((arm) => [arm, readRunRecord(arms[arm].runDir)])) as Record<
    Arm,
    RunRecord
  >;
  const fromS = commonSteadyStartS(ARMS.map((arm) => viewerScenario(records[arm])));
  const windowOf = (i: number) => ({
    fromS,
    toS: commonEndS(
      ARMS.map((arm) => records[arm]),
      i,
    ),
  });
  const figures = Object.fromEntries(
    ARMS.map((arm) => [arm, runViewerFigures(arms[arm].runDir, records[arm], specsOf[arm], targetVmaf, windowOf)]),
  ) as Record<Arm, ReturnType<typeof runViewerFigures>>;
  const comparisons: ViewerComparison[] = viewers.map((v, i) =>
    compareViewer(v.spec, `${v.width}x${v.height}`, figures.default.figures[i], figures.recommended.figures[i]),
  );
  const unanswered = unansweredViewers(comparisons, windowOf);
  for (const line of unanswered) progress.warn(line);
  if (unanswered.length) exitCode = worst(exitCode, ExitCode.incomplete);
  timings.totalS = seconds(started);
  const doc = {
    clip: clips[0] ?? 'camera (sample)',
    codec,
    recommendation: recSource,
    janusExport: exportFile,
    uplink: opts.uplink ?? null,
    targetVmaf,
    fromS,
    arms: Object.fromEntries(
      ARMS.map((arm) => [
        arm,
        {
          runDir: arms[arm].runDir,
          scenarioId: figures[arm].scenario.id,
          encodings: figures[arm].scenario.scenario.encodings,
          status: figures[arm].scenario.status,
          exitCode: arms[arm].exitCode,
        },
      ]),
    ),
    viewers: comparisons,
    timings,
    exitCode,
  };
  writeTextFile(path.join(base, COMPARISON_FILE), JSON.stringify(doc, null, 2) + '\n');
  if (opts.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(printable(renderComparison(doc)) + '\n');
  if (exitCode !== ExitCode.ok)
    progress.warn(
      `exit ${exitCode}: a stage of an arm did not end well, or a viewer has no comparison (the lines above say why); the comparison is written but read it with that in mind`,
    );
  return exitCode;
}

export function registerViewers(program: Command): void {
  program
    .command('viewers')
    .description(
      "default against recommended, at the viewer: the same viewers through a real Janus with the browser's default encodings and with simq's recommended encodings and layer table; per viewer, which gave more quality for the bits and fewer freezes",
    )
    .argument('[clips...]', 'the clip (default: the "camera" sample); one clip')
    .option(
      '--viewers <list>',
      "the viewers, SIZE[:POLICY],... (table viewers are Janus's own behaviour, policy janus, in the default arm)",
      DEFAULT_COMPARE_VIEWERS,
    )
    .option(
      '--recommendation <file|run-dir>',
      "a recommendation.json (or a run directory holding one) to compare; default: simq analyze's plan of the clip in the loopback, run first",
    )
    .option('-c, --codec <codec>', "codec (default: the recommendation's)")
    .option('-d, --duration <seconds>', 'capture seconds per arm', DEFAULT_COMPARE_DURATION_S)
    .option(
      '-w, --warmup <seconds>',
      "seconds at the start left out of the comparison (default 2, or the sender's steady start)",
    )
    .option('--size <WxH>', "capture size (default: the clip's own, capped at 1280x720)")
    .option('--fps <n>', 'capture frame rate')
    .option(
      '--uplink <LINK>',
      'the sender\'s uplink in both arms (a rate or a trace, as capture --uplink): adds "what the trace cost"',
    )
    .option('--target-vmaf <n>', "the VMAF a viewer should be served at (default: the recommendation's target)")
    .option('-o, --out <dir>', 'parent folder of the comparison folder', 'results')
    .option(
      '--run-id <id>',
      'name of the comparison folder (its arms are runs inside it: recommendation/, default/, recommended/)',
    )
    .option('--force', 'replace an existing comparison of the same --run-id')
    .option('--chrome <path>', 'Chrome/Chromium binary')
    .option('--janus <path>', 'Janus binary')
    .option('--ffmpeg <path>', 'ffmpeg binary')
    .option('--vmaf-backend <name>', 'auto|ffmpeg|docker|none', 'auto')
    .option('--vmaf-model <name|file>', 'vmaf_v0.6.1 (default), or a model file')
    .option('--vmaf-model-dir <dir>', 'folder with VMAF model files (else SIMQ_VMAF_MODEL_DIR)')
    .option('--vmaf-subsample <n>', "quick mode for the arms' measure (default 1: every picture)")
    .option('-j, --jobs <n>', 'metric jobs in parallel')
    .option('--allow-degraded', 'exit 0 even when a capture was CPU-limited')
    .option('--json', 'print the comparison as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (clips: string[], opts: ViewersOptions) => {
      if (clips.length > 1)
        throw new InputError(
          `simq viewers compares on one clip; ${clips.length} were given`,
          `simq viewers ${clips[0]}`,
        );
      process.exitCode = await viewersCommand(clips, opts, process.argv.slice(2));
    });
}
