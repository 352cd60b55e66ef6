// run.json's one definition: the TypeScript types (z.infer, re-exported by RunTypes.ts and
// MeasureTypes.ts), the check every reader runs (validateRunRecord.ts) and the published JSON Schema
// (scripts/writeSchemas.ts -> schemas/run.schema.json) all come from here, so they cannot drift.
// A change here is a format change: bump RUN_SCHEMA, teach upgradeRun.ts to bring older records up,
// and describe it in docs/run-directory.md.
//
// Readers check with these schemas but keep the record as written: unknown fields (from a newer
// simq) pass through untouched, as they did before the schemas.
import path from 'node:path';
import { z } from 'zod';
import type { SvcPointRecord, SvcRecord } from '../capture/SvcCaptureTypes.js';
import type { SfuRecord } from '../sfu/SfuTypes.js';
import type { ViewerRecord } from '../viewer/ViewerTypes.js';
import type { LinkRunRecord } from '../link/ShapedUplink.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import type { ViewerMeasureRecord } from '../measure/viewer/ViewerMeasureTypes.js';

export const RUN_SCHEMA = 'simq.run/2';
/** The version before it: still read, brought up by upgradeRun(). */
export const RUN_SCHEMA_V1 = 'simq.run/1';

/** A scenario id, run id or clip id: a single path component (the capture stage makes them so). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
/** RFC 8851 rid-id = 1*(alpha-numeric / "-" / "_"). */
const RID = /^[A-Za-z0-9_-]{1,64}$/;
/** A file inside the scenario folder: one component, not hidden. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

/** A name that becomes part of a path: the pattern, and never "." / ".." or a ".." inside. */
function safeName(pattern: RegExp, hint: string) {
  return z
    .string()
    .refine((v) => pattern.test(v) && !v.includes('..'), {
      error: (i) => `"${String(i.input)}" is not allowed (${hint})`,
    })
    .meta({ pattern: pattern.source });
}

const runId = safeName(ID, 'a run id is one folder name: letters, digits, ".", "_", "-"');
const scenarioId = safeName(
  ID,
  'a scenario id names a folder inside the run: letters, digits, ".", "_", "-", no separators, no ".."',
);
const clipId = safeName(ID, 'a clip id: letters, digits, ".", "_", "-"');
const rid = safeName(RID, 'a rid is letters, digits, "-" or "_" (RFC 8851)');
const fileName = safeName(FILE_NAME, 'a file name inside the scenario folder, no separators, no ".."');
/** A file of the scenario folder or of its viewers/ folder (a shaped viewer's link timeline). */
const VIEWERS_DIR = 'viewers'; // src/viewer/ViewerRecorder.ts VIEWERS_DIR
const scenarioOrViewerFile = z.string().refine(
  (v) => {
    const parts = v.split('/');
    const name = parts.at(-1)!;
    return (
      (parts.length === 1 || (parts.length === 2 && parts[0] === VIEWERS_DIR)) &&
      FILE_NAME.test(name) &&
      !name.includes('..')
    );
  },
  {
    error: (i) =>
      `"${String(i.input)}" is not allowed (a file name inside the scenario folder or its viewers/ folder, no other separators, no "..")`,
  },
);

/** A count or measured quantity: finite and not negative. */
const amount = (min = 0) => z.number().min(min);

/**
 * A nested record whose TypeScript type lives with the code that writes it (large, read in few
 * places): the schema checks that it is an object and the fields readers rely on, and accepts the
 * rest as written.
 */
function permissive<T>(shape: z.ZodRawShape): z.ZodType<T> {
  return z.looseObject(shape) as unknown as z.ZodType<T>;
}

const browserName = z.enum(['chromium', 'firefox']);

const toolSchema = z.object({
  path: z.string(),
  /** How it was found: flag, env variable, package, PATH, standard location. */
  source: z.string(),
  version: z.string(),
});

const environmentSchema = z.object({
  /** name: filled in by upgradeRun for runs made before Firefox support. */
  browser: toolSchema.extend({ userAgent: z.string().optional(), name: browserName }),
  /** Every browser of a run with more than one (--browser chromium,firefox). */
  browsers: z.array(toolSchema.extend({ userAgent: z.string().optional(), name: browserName })).optional(),
  ffmpeg: toolSchema.extend({ libvmaf: z.string().optional() }),
  node: z.string(),
  platform: z.string(),
  cpus: z.number(),
  simq: z.string(),
});

const cameraTailSchema = z.object({ kind: z.enum(['continuation', 'mirror']), frames: amount() });

const feedClipSchema = z.object({
  file: z.string(),
  encodedFrom: z.string(),
  encodedWith: z.array(z.string()),
  decodedWith: z.array(z.string()),
});

const referenceClipShape = {
  /** The clip the user gave (absolute path). */
  source: z.string(),
  sourceSha256: z.string(),
  /** The prepared 4:2:0 Y4M the fake camera played; also the measure stage's reference. */
  y4m: z.string().refine((p) => path.isAbsolute(p), { error: 'must be an absolute path' }),
  width: amount(1),
  height: amount(1),
  fps: amount(1),
  /** Every frame of the Y4M, camera tail included. */
  frames: amount(1),
  /** Frames after the clip's used part, so the camera's loop does not wrap inside the measured window. */
  tail: cameraTailSchema.optional(),
  /** The ffmpeg arguments that prepared it (re-run them to rebuild a deleted cache entry). */
  preparedWith: z.array(z.string()),
  /** Set when a browser played the clip in its page (Firefox). */
  feed: feedClipSchema.optional(),
};
const referenceClipSchema = z.object(referenceClipShape);

/** One clip of a study: the prepared reference plus the id its scenarios carry (clipId.ts). */
const clipRecordSchema = z.object({
  ...referenceClipShape,
  /** Short name + hash, e.g. "camera-1a2b3c4d"; prefixes scenario ids when a run has several clips. */
  id: clipId,
  /** The study file's content label (talking-head, screen, motion...). */
  label: z.string().optional(),
});

const shardSchema = z.object({ index: z.number(), count: z.number() });

/** The expanded plan the run is a share of (src/study/StudyTypes.ts builds it). */
const planRecordSchema = z.object({
  hash: z.string(),
  scenarioIds: z.array(z.string()),
  shard: shardSchema.optional(),
});

/** A run made by `simq merge` from shard runs. */
const mergeRecordSchema = z.object({
  from: z.array(z.object({ runId: z.string(), dir: z.string(), shard: shardSchema.optional() })),
  /** Fields that differed between the shards, accepted with --allow-mixed. */
  mixed: z.array(z.object({ field: z.string(), values: z.array(z.string()) })).optional(),
});

const steadyStateSchema = z.object({
  /** Seconds of the capture counted as steady state: [steady start, durationS]. */
  fromS: z.number(),
  toS: z.number(),
  seconds: z.number(),
  targetKbpsMedian: z.number().optional(),
  /** Highest steady-state target: the allocator's value (samples below it are short dips after an overshoot). */
  targetKbpsMax: z.number().optional(),
  actualKbpsMean: z.number().optional(),
  fps: z.number().optional(),
  /** Frames per second the camera handed the encoder (media-source.frames); Chromium only. */
  sourceFps: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  qpMean: z.number().optional(),
  /** Steady seconds whose QP shows rate control under pressure (src/capture/rateControl.ts). */
  rateControl: z.object({ seconds: z.number(), fpsOtherwise: z.number().optional() }).optional(),
  /** Seconds of steady state per qualityLimitationReason (from qualityLimitationDurations). */
  limitationS: z.object({ cpu: z.number(), bandwidth: z.number(), other: z.number(), none: z.number() }),
  availableOutgoingKbpsMedian: z.number().optional(),
});

/** Numbers simq derived where the browser reports none; never to be shown as browser-reported. */
const derivedLayerSchema = z.object({
  source: z.literal('derived'),
  /** The min / start / max gecko configures for this layer (not a measured target). */
  geckoAllocation: z.object({
    minKbps: z.number(),
    startKbps: z.number(),
    maxKbps: z.number(),
    row: z.string(),
    from: z.string(),
  }),
  bitrateFromFramesKbps: z.number().optional(),
  longestTapGapMs: z.number().optional(),
  cpuLimitedS: z.number().optional(),
});

const layerRecordSchema = z.object({
  rid,
  active: z.boolean({ error: (i) => `must be true or false, not ${describe(i.input)}` }),
  ssrc: z.number().optional(),
  /** File names inside the scenario directory. */
  bitstream: fileName.optional(),
  framesCsv: fileName.optional(),
  /** What the encodings ask for at this input size. */
  configured: z.object({
    width: amount(),
    height: amount(),
    fps: amount(),
    maxBitrate: z.number().optional(),
    scalabilityMode: z.string().optional(),
  }),
  framesCaptured: amount(),
  /** outbound-rtp.framesEncoded at the end of the capture window. */
  framesEncoded: z.number(),
  encoderImplementation: z.string().optional(),
  scalabilityMode: z.string().optional(),
  steady: steadyStateSchema.optional(),
  /** Firefox only: what it does not report, derived by simq (src/capture/firefoxDerived.ts). */
  derived: derivedLayerSchema.optional(),
  /** An SVC encoding: what was asked, sent and cut (src/capture/svcFinish.ts). */
  svc: permissive<SvcRecord>({ requestedMode: z.string(), rawBitstream: fileName }).optional(),
  /** An operating point cut from the SVC encoding `svcPoint.of`, not an encoding of its own. */
  svcPoint: permissive<SvcPointRecord>({ of: z.string() }).optional(),
});

const validityProblemSchema = z.object({
  rid: z.string(),
  kind: z.enum(['cpu-limited', 'low-resolution', 'low-framerate', 'frame-count', 'missing', 'unsettled', 'svc-mode']),
  message: z.string(),
});

const modelLayerComparisonSchema = z.object({
  rid: z.string(),
  predictedState: z.string(),
  measuredOn: z.boolean(),
  predictedTargetKbps: z.number().optional(),
  predictedAllocatedKbps: z.number().optional(),
  /** Under a binding cap: where the encoder bitrate adjuster may put the target (simq plan's range). */
  predictedRangeKbps: z.tuple([z.number(), z.number()]).optional(),
  measuredTargetKbps: z.number().optional(),
  measuredActualKbps: z.number().optional(),
  /** (measured - predicted) / predicted target. */
  deviation: z.number().optional(),
  /** Predicted on at the cap, off at the sender's lower steady estimate (or the reverse): either state is right. */
  borderline: z.boolean().optional(),
  flagged: z.boolean(),
});

/** simq's allocation model next to what the browser did (src/allocation/modelVsBrowser.ts). */
const modelComparisonSchema = z.object({
  tolerance: z.number(),
  /** Input size the model was given: the browser's own when its quality scaler shrank the layers.
   *  Optional: no stage reads it back, and runs made before it was recorded lack it. */
  input: z.object({ width: z.number(), height: z.number() }).optional(),
  inputScaledByBrowser: z.boolean().optional(),
  activeSetMatches: z.boolean(),
  /** The sender's steady estimate (kbps) where it was below the cap: what borderline layers were judged at. */
  estimateKbps: z.number().optional(),
  predictedActive: z.array(z.string()),
  layers: z.array(modelLayerComparisonSchema),
});

const steadyStartRecordSchema = z.object({
  /** Seconds since the camera track was attached; pictures and stats before it are warm-up. */
  fromS: z.number(),
  /** False when the sender had not settled settings.settleWaitS seconds after the warm-up. */
  settled: z.boolean(),
  /** Seconds waited beyond the configured warm-up. */
  waitedS: z.number(),
  /** What still moved when simq stopped waiting. */
  problem: z.string().optional(),
});

const layerSwitchingSchema = z.object({
  rid: z.string(),
  offS: z.number(),
  switches: z.number(),
  offAt: z.array(z.number()),
  onAt: z.array(z.number()),
});

/** The resolved scenario: typed in ScenarioTypes.ts; the fields the stages read are checked. */
const scenarioSchema = permissive<Scenario>({
  name: z.string(),
  codec: z.string(),
  encodings: z.array(z.unknown()),
  durationS: amount(),
  warmupS: amount(),
  bandwidthBps: amount().optional(),
  browser: browserName.optional(),
});

const scenarioStatus = z.enum(['pending', 'running', 'complete', 'degraded', 'failed', 'incomplete']);

/** Rids are folder-level file names: each may appear once per scenario. */
const layersSchema = z.array(layerRecordSchema).superRefine((layers, ctx) => {
  const seen = new Set<string>();
  layers.forEach((l, k) => {
    if (seen.has(l.rid)) ctx.addIssue({ code: 'custom', path: [k, 'rid'], message: `"${l.rid}" appears twice` });
    seen.add(l.rid);
  });
});

const scenarioRecordSchema = z.object({
  id: scenarioId,
  /** The clip (clips[].id) this scenario played (upgradeRun fills it in for runs of one clip made before studies). */
  clipId,
  scenario: scenarioSchema,
  status: scenarioStatus,
  error: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  encoderImplementation: z.string().optional(),
  layers: layersSchema,
  problems: z.array(validityProblemSchema),
  /** What the browser did by design and is not a fault (src/capture/validity.ts checkScenario). */
  notes: z.array(z.string()).optional(),
  model: modelComparisonSchema.optional(),
  /** Seconds this scenario's capture took (browser start to files written), for study estimates. */
  captureS: z.number().optional(),
  /** Why the scenario was captured a second time, when it was (the first attempt is not kept). */
  retried: z.string().optional(),
  /** Where steady state starts: once the sender settled (src/capture/steadyStart.ts), never before the warm-up. */
  steadyStart: steadyStartRecordSchema.optional(),
  /** SFU mode: the SFU's kind, version, binary, generated settings and room (docs/design-sfu-links.md). */
  sfu: permissive<SfuRecord>({ kind: z.string(), version: z.string() }).optional(),
  /** SFU mode: each viewer's spec, policy, link and files (viewers/). */
  viewers: z.array(permissive<ViewerRecord>({ name: z.string(), files: z.looseObject({}) })).optional(),
  /** The scenario's shaped links: spec, resolved steps, qdisc commands, steps applied, tool versions. */
  links: z
    .array(
      permissive<LinkRunRecord>({
        role: z.enum(['uplink', 'downlink']),
        spec: z.string(),
        timelineCsv: scenarioOrViewerFile,
      }),
    )
    .optional(),
  /** True behind a moving link: no steady state was waited for; the scenario is measured over time. */
  measuredOverTime: z.boolean().optional(),
  /** Behind a shaped uplink: per layer the seconds it was off after the warm-up and its on/off switches. */
  layerSwitching: z.array(layerSwitchingSchema).optional(),
});

/** What run.json records about the metric backend. */
const vmafSetupSchema = z.object({
  backend: z.enum(['ffmpeg', 'docker', 'none']),
  /** The ffmpeg that runs the metric graph (inside the image for docker). */
  ffmpeg: toolSchema,
  libvmaf: z
    .object({
      major: z.union([z.literal(1), z.literal(2)]),
      /** libvmaf's own version, from the "version" field of its JSON log (smoke test), e.g. "1.3.7". */
      version: z.string().optional(),
      model: z.string(),
      modelSource: z.string(),
      modelPath: z.string().optional(),
      modelSha256: z.string().optional(),
    })
    .optional(),
  docker: z
    .object({ image: z.string(), entrypoint: z.string(), client: z.string(), serverVersion: z.string() })
    .optional(),
  /** Why VMAF is off, when it is. */
  vmafOff: z.string().optional(),
});

const pairingCountsShape = { verified: z.number(), tied: z.number(), repaired: z.number(), ambiguous: z.number() };

const layerTimelineSchema = z.object({
  vmafPerSecond: z.array(z.object({ second: z.number(), vmaf: z.number().optional() })),
  offS: z.number(),
  offPeriods: z.array(z.object({ fromS: z.number(), toS: z.number() })),
  switches: z.number(),
});

const layerMeasureRecordSchema = z.object({
  scenarioId: z.string(),
  rid: z.string(),
  status: z.enum(['measured', 'failed']),
  error: z.string().optional(),
  framesCaptured: z.number().optional(),
  /** Source frames the encoder skipped over the whole capture (alignment). */
  framesDropped: z.number().optional(),
  /** ... and within the measured window. */
  droppedInWindow: z.number().optional(),
  alignmentConfidence: z.number().optional(),
  lowConfidenceFrames: z.number().optional(),
  reacquiredFrames: z.array(z.number()).optional(),
  measuredPictures: z.number().optional(),
  /** Pictures in the window when only every Nth was measured (--vmaf-subsample). */
  windowPictures: z.number().optional(),
  /** The layer of the same scenario whose source indices this one took (crossLayer.ts). */
  followedLayer: z.string().optional(),
  /** This layer's own alignment confidence before following (alignmentConfidence counts the lead's). */
  ownAlignmentConfidence: z.number().optional(),
  framesFromFollowedLayer: z.number().optional(),
  framesChangedByFollowedLayer: z.number().optional(),
  /** Verification of the measured pictures' pairings at the layer's own size (verifyPairing.ts). */
  pairing: z.object({ ...pairingCountsShape, pictures: z.number(), doubtful: z.boolean() }).optional(),
  /** Over time (src/measure/layerTimeline.ts): VMAF per second at the layer's own size, when it was off, switches. */
  timeline: layerTimelineSchema.optional(),
});

const feedLevelShiftSchema = z.object({
  scenarioId: z.string(),
  rid: z.string(),
  browser: browserName,
  frames: z.number(),
  /** Mean code-value difference per plane, decoded layer minus paired reference frame. */
  meanDiff: z.object({ y: z.number(), u: z.number(), v: z.number() }),
});

/**
 * The measure options a run is measured with, as the command line takes them: `analyze --resume`
 * measures what is left with these rather than re-reading the original command line.
 */
const measureSettingsSchema = z.object({
  /** --viewports: the sizes measured, WxH,...; absent: the default sizes. */
  viewports: z.string().optional(),
  /** --vmaf-subsample. */
  vmafSubsample: z.string(),
  view: z.enum(['displayed', 'encoded']),
  /** --vmaf-backend as asked (auto, ffmpeg, docker, none). */
  vmafBackend: z.string(),
  /** --vmaf-model, when given. */
  vmafModel: z.string().optional(),
  includeWarmup: z.boolean(),
  temporalLayers: z.boolean(),
});

const measureRecordSchema = z.object({
  status: z.enum(['complete', 'incomplete']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  vmaf: vmafSetupSchema,
  scaler: z.string(),
  viewports: z.array(z.string()),
  view: z.enum(['displayed', 'encoded']),
  includeWarmup: z.boolean(),
  /** Every Nth picture of the window was measured (1: all). */
  subsample: amount(1),
  jobs: z.number(),
  /** The options the measure ran with (upgradeRun fills them from the fields above for older runs). */
  settings: measureSettingsSchema,
  /** Variables simq set in the metric ffmpeg's environment (glibc allocator settings, mallocTuning.ts). */
  metricEnv: z.record(z.string(), z.string()).optional(),
  layers: z.array(layerMeasureRecordSchema),
  /** Every SFU viewer of the run's scenarios (src/measure/viewer/); absent in runs without viewers. */
  viewers: z
    .array(
      permissive<ViewerMeasureRecord>({
        scenarioId: z.string(),
        viewer: z.string(),
        status: z.enum(['measured', 'failed']),
      }),
    )
    .optional(),
  skippedScenarios: z.array(z.object({ id: z.string(), status: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
  /** Runs whose clip a page played (Firefox): each full-size layer's mean Y/U/V difference from the reference. */
  feedShift: z.array(feedLevelShiftSchema).optional(),
  /** File names inside the run directory; runs measured before the rename carry frames (frames.csv) instead of pictures. */
  files: z.object({ quality: z.string(), pictures: z.string().optional(), frames: z.string().optional() }),
});

const runStatus = z.enum(['running', 'complete', 'degraded', 'incomplete']);

/** Scenario ids name folders: each may appear once. clipId must name one of clips[]. */
function checkRunIds(
  run: { scenarios: { id: string; clipId: string }[]; clips: { id: string }[] },
  ctx: z.RefinementCtx,
) {
  const seen = new Set<string>();
  run.scenarios.forEach((s, i) => {
    if (seen.has(s.id))
      ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'id'], message: `"${s.id}" appears twice` });
    seen.add(s.id);
  });
  const clips = run.clips.map((c) => c.id);
  run.scenarios.forEach((s, i) => {
    if (!clips.includes(s.clipId))
      ctx.addIssue({
        code: 'custom',
        path: ['scenarios', i, 'clipId'],
        message: `"${s.clipId}" is not in clips (${clips.join(', ')})`,
      });
  });
}

export const runRecordSchema = z
  .object({
    schema: z.literal(RUN_SCHEMA),
    runId,
    status: runStatus,
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    /** The simq command line that made the run. */
    argv: z.array(z.string()),
    /** The (first) clip; runs of one clip read only this. */
    input: referenceClipSchema,
    /** Every clip of the run, in order; one entry for a run of one clip (upgradeRun makes it from input for older runs). */
    clips: z.array(clipRecordSchema),
    plan: planRecordSchema.optional(),
    merge: mergeRecordSchema.optional(),
    /** When `--resume` continued the run. */
    resumedAt: z.array(z.string()).optional(),
    environment: environmentSchema,
    /** Settings that hold for the whole run. */
    settings: z.object({
      statsIntervalMs: z.number(),
      warmupNote: z.string(),
      /** Seconds past the warm-up the capture waits for the sender to settle (SIMQ_SETTLE_WAIT_S). */
      settleWaitS: z.number().optional(),
      /** x-google-start-bitrate given to the browser (SIMQ_START_BITRATE_KBPS); absent: Chrome's own start. */
      startBitrateKbps: z.number().optional(),
      /** analyze: the measure options its measure stage will use, recorded before the capture (for --resume). */
      measure: measureSettingsSchema.optional(),
    }),
    scenarios: z.array(scenarioRecordSchema),
    timings: z.object({ captureS: z.number().optional(), measureS: z.number().optional() }),
    /** Added by the measure stage (it owns this key). */
    measure: measureRecordSchema.optional(),
  })
  .superRefine(checkRunIds);

/** How a value read from a file is named in a message. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunStatus = z.infer<typeof runStatus>;
export type EnvironmentRecord = z.infer<typeof environmentSchema>;
export type ReferenceClip = z.infer<typeof referenceClipSchema>;
export type CameraTail = z.infer<typeof cameraTailSchema>;
export type ClipRecord = z.infer<typeof clipRecordSchema>;
export type PlanRecord = z.infer<typeof planRecordSchema>;
export type SteadyState = z.infer<typeof steadyStateSchema>;
export type LayerRecord = z.infer<typeof layerRecordSchema>;
export type DerivedLayer = z.infer<typeof derivedLayerSchema>;
export type ValidityProblem = z.infer<typeof validityProblemSchema>;
export type ModelComparison = z.infer<typeof modelComparisonSchema>;
export type ModelLayerComparison = z.infer<typeof modelLayerComparisonSchema>;
export type ScenarioRecord = z.infer<typeof scenarioRecordSchema>;
export type VmafSetupDescription = z.infer<typeof vmafSetupSchema>;
export type VmafBackend = VmafSetupDescription['backend'];
export type PairingCounts = z.infer<z.ZodObject<typeof pairingCountsShape>>;
export type LayerMeasureRecord = z.infer<typeof layerMeasureRecordSchema>;
export type MeasureSettings = z.infer<typeof measureSettingsSchema>;
export type MeasureRecord = z.infer<typeof measureRecordSchema>;
export type FeedLevelShift = z.infer<typeof feedLevelShiftSchema>;
