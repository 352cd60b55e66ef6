// The run directory is the contract between stages (capture -> measure -> recommend/report):
//
//   results/<run-id>/run.json                 this record
//   (runs of several clips: <scenario-id> starts with the clip id, clips[] and scenarios[].clipId say which)
//   results/<run-id>/<scenario-id>/<rid>.ivf  VP8/VP9/AV1 layer bitstream (IVF, timebase 1/90000 = RTP clock)
//   results/<run-id>/<scenario-id>/<rid>.h264 H.264 layer bitstream (Annex B)
//   results/<run-id>/<scenario-id>/<rid>.frames.csv   one row per captured frame
//   results/<run-id>/<scenario-id>/stats.csv  one row per second per layer
//   results/<run-id>/quality.csv, pictures.csv (measure stage; pictures.csv was frames.csv before)
//   results/<run-id>/recommendation.json|csv, report.html (recommend/report stage)
//
// File names and paths: RunFiles.ts. CSV columns and row types: CsvTypes.ts. The measure record:
// MeasureTypes.ts. Any change here is a format change: bump RUN_SCHEMA and describe it in docs/run-directory.md.
import type { SvcPointRecord, SvcRecord } from '../capture/SvcCaptureTypes.js';
import type { SfuRecord } from '../sfu/SfuTypes.js';
import type { ViewerRecord } from '../viewer/ViewerTypes.js';
import type { LayerSwitching } from '../link/layerSwitches.js';
import type { LinkRunRecord } from '../link/ShapedUplink.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import type { MeasureRecord } from './MeasureTypes.js';

export type * from './MeasureTypes.js';
export type * from './CsvTypes.js';

export const RUN_SCHEMA = 'simq.run/1';

export type RunStatus = 'running' | 'complete' | 'degraded' | 'incomplete';
export type ScenarioStatus = 'pending' | 'running' | 'complete' | 'degraded' | 'failed' | 'incomplete';

export interface ToolRecord {
  path: string;
  /** How it was found: flag, env variable, package, PATH, standard location. */
  source: string;
  version: string;
}

export interface EnvironmentRecord {
  /** name is absent for Chromium (runs before Firefox support had none). */
  browser: ToolRecord & { userAgent?: string; name?: 'chromium' | 'firefox' };
  /** Every browser of a run with more than one (--browser chromium,firefox). */
  browsers?: (ToolRecord & { userAgent?: string; name: 'chromium' | 'firefox' })[];
  ffmpeg: ToolRecord & { libvmaf?: string };
  node: string;
  platform: string;
  cpus: number;
  simq: string;
}

export interface ReferenceClip {
  /** The clip the user gave (absolute path). */
  source: string;
  sourceSha256: string;
  /** The prepared 4:2:0 Y4M the fake camera played; also the measure stage's reference. */
  y4m: string;
  width: number;
  height: number;
  fps: number;
  /** Every frame of the Y4M, camera tail included. */
  frames: number;
  /**
   * Frames after the clip's used part, so the camera's loop does not wrap (a scene cut) inside the
   * measured window: the clip's next frames, or its last frames backwards (src/input/prepareClip.ts).
   */
  tail?: CameraTail;
  /** The ffmpeg arguments that prepared it (re-run them to rebuild a deleted cache entry). */
  preparedWith: string[];
  /**
   * Set when a browser played the clip in its page (Firefox): `file` is what the page played, and
   * `y4m` above is ffmpeg's decode of it (encoded from `encodedFrom`, the prepared Y4M).
   */
  feed?: FeedClip;
}

export interface CameraTail {
  kind: 'continuation' | 'mirror';
  frames: number;
}

export interface FeedClip {
  file: string;
  encodedFrom: string;
  encodedWith: string[];
  decodedWith: string[];
}

/** One clip of a study: the prepared reference plus the id its scenarios carry (clipId.ts). */
export interface ClipRecord extends ReferenceClip {
  /** Short name + hash, e.g. "camera-1a2b3c4d"; prefixes scenario ids when a run has several clips. */
  id: string;
  /** The study file's content label (talking-head, screen, motion...). */
  label?: string;
}

/** The expanded plan the run is a share of (src/study/StudyTypes.ts builds it). */
export interface PlanRecord {
  /** sha256 of the plan's clips (by hash) and scenarios: shards and resumes must match it. */
  hash: string;
  /** Every scenario id of the whole plan, in plan order (a shard runs a subset). */
  scenarioIds: string[];
  /** This run's share: 1-based index of count. Absent: the whole plan. */
  shard?: { index: number; count: number };
}

/** A run made by `simq merge` from shard runs. */
export interface MergeRecord {
  from: { runId: string; dir: string; shard?: { index: number; count: number } }[];
  /** Fields that differed between the shards, accepted with --allow-mixed. */
  mixed?: { field: string; values: string[] }[];
}

export interface SteadyState {
  /** Seconds of the capture counted as steady state: [warmupS, durationS]. */
  fromS: number;
  toS: number;
  seconds: number;
  targetKbpsMedian?: number;
  /** Highest steady-state target: the allocator's value. Samples below it are short dips after the
   *  encoder overshot (libwebrtc lowers the rate it hands the encoder for a moment). */
  targetKbpsMax?: number;
  actualKbpsMean?: number;
  fps?: number;
  /** Frames per second the camera track handed the encoder (media-source.frames), before any encoder
   *  drop; one value for the whole scenario. Absent for Firefox and runs made before it was recorded. */
  sourceFps?: number;
  width?: number;
  height?: number;
  qpMean?: number;
  /** Steady seconds whose QP shows the encoder's rate control under pressure (src/capture/rateControl.ts),
   *  and the frame rate of the other seconds: frames dropped there are the configuration's, not the CPU's. */
  rateControl?: { seconds: number; fpsOtherwise?: number };
  /** Seconds of steady state per qualityLimitationReason (from qualityLimitationDurations). */
  limitationS: { cpu: number; bandwidth: number; other: number; none: number };
  availableOutgoingKbpsMedian?: number;
}

export interface LayerRecord {
  rid: string;
  active: boolean;
  ssrc?: number;
  /** File names inside the scenario directory. */
  bitstream?: string;
  framesCsv?: string;
  /** What the encodings ask for at this input size. */
  configured: { width: number; height: number; fps: number; maxBitrate?: number; scalabilityMode?: string };
  framesCaptured: number;
  /** outbound-rtp.framesEncoded at the end of the capture window. */
  framesEncoded: number;
  encoderImplementation?: string;
  scalabilityMode?: string;
  steady?: SteadyState;
  /** Firefox only: what it does not report, derived by simq (src/capture/firefoxDerived.ts). */
  derived?: DerivedLayer;
  /** An SVC encoding (one SSRC, several spatial layers): what was asked, sent and cut (src/capture/svcFinish.ts). */
  svc?: SvcRecord;
  /** This layer is an operating point cut from the SVC encoding `svcPoint.of`, not an encoding of its own. */
  svcPoint?: SvcPointRecord;
}

/** Numbers simq derived where the browser reports none; never to be shown as browser-reported. */
export interface DerivedLayer {
  source: 'derived';
  /** The min / start / max gecko configures for this layer (not a measured target). */
  geckoAllocation: { minKbps: number; startKbps: number; maxKbps: number; row: string; from: string };
  /** Bits of the tapped frames in the steady window per second. */
  bitrateFromFramesKbps?: number;
  longestTapGapMs?: number;
  /** Seconds of the steady window lost in gaps of more than 2.5 frame intervals between tapped frames. */
  cpuLimitedS?: number;
}

export interface ValidityProblem {
  rid: string;
  kind: 'cpu-limited' | 'low-resolution' | 'low-framerate' | 'frame-count' | 'missing' | 'unsettled' | 'svc-mode';
  message: string;
}

/** simq's allocation model next to what the browser did (src/allocation/modelVsBrowser.ts). */
export interface ModelComparison {
  tolerance: number;
  /** Input size the model was given: the browser's own when its quality scaler shrank the layers. */
  input: { width: number; height: number };
  inputScaledByBrowser: boolean;
  /** The set of layers the model switches on equals the set the browser sent in steady state. */
  activeSetMatches: boolean;
  predictedActive: string[];
  layers: ModelLayerComparison[];
}

export interface ModelLayerComparison {
  rid: string;
  predictedState: string;
  measuredOn: boolean;
  predictedTargetKbps?: number;
  predictedAllocatedKbps?: number;
  /** Under a binding cap: where the encoder bitrate adjuster may put the target (simq plan's range). */
  predictedRangeKbps?: [number, number];
  measuredTargetKbps?: number;
  measuredActualKbps?: number;
  /** (measured - predicted) / predicted target. */
  deviation?: number;
  flagged: boolean;
}

export interface ScenarioRecord {
  id: string;
  /** The clip (clips[].id) this scenario played; absent in runs of one clip made before studies. */
  clipId?: string;
  scenario: Scenario;
  status: ScenarioStatus;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  encoderImplementation?: string;
  layers: LayerRecord[];
  problems: ValidityProblem[];
  /** What the browser did by design and is not a fault (src/capture/validity.ts checkScenario). */
  notes?: string[];
  model?: ModelComparison;
  /** Seconds this scenario's capture took (browser start to files written), for study estimates. */
  captureS?: number;
  /** Why the scenario was captured a second time, when it was (the first attempt is not kept). */
  retried?: string;
  /** Where steady state starts: once the sender settled (src/capture/steadyStart.ts), never before the warm-up. */
  steadyStart?: SteadyStartRecord;
  /** SFU mode: the SFU's kind, version, binary, generated settings and room (docs/design-sfu-links.md). */
  sfu?: SfuRecord;
  /** SFU mode: each viewer's spec, policy, link and files (viewers/). */
  viewers?: ViewerRecord[];
  /** The scenario's shaped links: spec, resolved steps, qdisc commands, steps applied, tool versions. */
  links?: LinkRunRecord[];
  /** True behind a moving link: no steady state was waited for; the scenario is measured over time. */
  measuredOverTime?: boolean;
  /** Behind a shaped uplink: per layer the seconds it was off after the warm-up and its on/off switches. */
  layerSwitching?: LayerSwitching[];
}

export interface SteadyStartRecord {
  /** Seconds since the camera track was attached; pictures and stats before it are warm-up. */
  fromS: number;
  /** False when the sender had not settled settings.settleWaitS seconds after the warm-up (the window starts there). */
  settled: boolean;
  /** Seconds waited beyond the configured warm-up. */
  waitedS: number;
  /** What still moved when simq stopped waiting. */
  problem?: string;
}

/** The clip a scenario played: its clips[] entry, or the run's input for runs of one clip. */
export function clipOfScenario(
  run: Pick<RunRecord, 'input' | 'clips'>,
  s: Pick<ScenarioRecord, 'clipId'>,
): ReferenceClip & { id?: string; label?: string } {
  return (
    (s.clipId !== undefined ? run.clips?.find((c) => c.id === s.clipId) : undefined) ?? run.clips?.[0] ?? run.input
  );
}

/** Where a scenario's steady state starts: the settled start, or the warm-up for runs made before it was recorded. */
export function steadyStartS(s: Pick<ScenarioRecord, 'steadyStart' | 'scenario'>): number {
  return s.steadyStart?.fromS ?? s.scenario.warmupS;
}

export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  runId: string;
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  /** The simq command line that made the run. */
  argv: string[];
  /** The (first) clip; runs of one clip read only this. */
  input: ReferenceClip;
  /** Every clip of the run, in order (present since studies; one entry for a run of one clip). */
  clips?: ClipRecord[];
  plan?: PlanRecord;
  merge?: MergeRecord;
  /** When `--resume` continued the run. */
  resumedAt?: string[];
  environment: EnvironmentRecord;
  /** Settings that hold for the whole run. */
  settings: {
    statsIntervalMs: number;
    warmupNote: string;
    /** Seconds past the warm-up the capture waits for the sender to settle (SIMQ_SETTLE_WAIT_S). */
    settleWaitS?: number;
    /** x-google-start-bitrate given to the browser (SIMQ_START_BITRATE_KBPS); absent: Chrome's own start. */
    startBitrateKbps?: number;
  };
  scenarios: ScenarioRecord[];
  timings: { captureS?: number; measureS?: number };
  /** Added by the measure stage (it owns this key; MeasureTypes.ts). */
  measure?: MeasureRecord;
}
