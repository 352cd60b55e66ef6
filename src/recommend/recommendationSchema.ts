// recommendation.json's one definition: the TypeScript types (z.infer, re-exported under their names
// by RecommendationTypes.ts), the check its readers run (readRecommendationFile: the report, simq
// viewers --recommendation) and the published JSON Schema (schemas/recommendation.schema.json,
// written by `npm run schemas`; a unit test fails when the committed file differs). Any change of
// shape bumps RECOMMENDATION_SCHEMA.
//
// Units: fields ending in `Kbps` are kilobits per second; `maxBitrate` and fields ending in `Bps` are
// bits per second (the unit of RTCRtpEncodingParameters.maxBitrate). Objects are strict, as the
// hand-written JSON Schema before this one was: a field simq does not write is a mistake.
import { z } from 'zod';
import type { RtpEncodingParameters } from '../scenario/ScenarioTypes.js';

export const RECOMMENDATION_SCHEMA = 'simq.recommendation/1';

const codec = z.enum(['vp8', 'vp9', 'h264', 'av1']);
const size = z.string().regex(/^[0-9]+x[0-9]+$/);
/** "native" or a viewport "WxH". */
const sizeKey = z.string().regex(/^(native|[0-9]+x[0-9]+)$/);
const kbps = z.number().min(0);
const bps = z.number().int().min(0);
const positive = z.number().positive();
const text = z.string().min(1);

/** The quality metric the decisions use: VMAF, or PSNR-Y when the run has no VMAF scores. */
export const metricChoiceSchema = z.strictObject({
  name: z.enum(['vmaf', 'psnr_y']),
  /** The quality.csv column read: vmaf_mean or psnr_y_mean. */
  column: z.enum(['vmaf_mean', 'psnr_y_mean']),
  unit: z.enum(['VMAF', 'dB']),
  /** True when VMAF was missing and the decisions fall back to PSNR-Y. */
  fallback: z.boolean(),
  /** Why the fallback happened. */
  reason: z.string().optional(),
});

export const recommendSettingsSchema = z.strictObject({
  metric: metricChoiceSchema,
  /** Score the maxBitrate advice aims for at the layer's native size, in metric units. */
  targetScore: positive,
  /** --target-vmaf (used when metric is vmaf). */
  targetVmaf: z.number().positive().max(100),
  /** --target-psnr (used when metric is psnr_y). */
  targetPsnrY: positive,
  /** Knee: the first curve point after which the gain falls below this many metric units per 100 kbps. */
  kneeSlopePer100Kbps: positive,
  /** "Cheapest within" tolerance of the viewer-size answer, metric units (1 VMAF point). */
  tolerance: z.number().min(0),
  /** Share added to a layer's bitrate before it fits a bandwidth bucket (0.15 = 15 %). */
  headroom: z.number().min(0),
  /** Extra share above the fit threshold before an SFU switches up to a layer. */
  hysteresis: z.number().min(0),
  /** Available-bandwidth buckets of the layer-selection table, bps. */
  bandwidthsBps: z.array(z.number().int().positive()).min(1),
  /** --sender-scenario, when given. */
  senderScenario: z.string().optional(),
  /** Gap (metric units) from which a warning names a layer beaten by a larger one scaled down. */
  warnGap: z.number().min(0),
  /** --min-fps: temporal operating points below a layer's full rate under this frame rate are never selected. */
  minFps: z.number().min(0).optional(),
});

/** Where a recommendation came from; every export repeats it in its header. */
export const provenanceSchema = z.strictObject({
  tool: z.literal('simq'),
  simqVersion: z.string(),
  runId: text,
  /** The run directory as given on the command line. */
  runDir: z.string(),
  /** When the run was captured (run.json createdAt). */
  runCreatedAt: z.string(),
  /** When this recommendation was computed. */
  generatedAt: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/),
  clip: z.strictObject({
    source: z.string(),
    name: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    fps: positive,
    frames: z.number().int().min(0),
    sha256: z.string(),
  }),
  codecs: z.array(codec),
  browser: z.string().optional(),
  /** The VMAF backend/model of the measure stage, e.g. "ffmpeg libvmaf 1 vmaf_v0.6.1", or "none". */
  metricBackend: z.string().optional(),
});

/** Scores of one layer at one render size (from quality.csv). */
export const sizeScoreSchema = z.strictObject({
  vmafMean: z.number().optional(),
  vmafHmean: z.number().optional(),
  vmafP5: z.number().optional(),
  vmafMin: z.number().optional(),
  psnrYMean: z.number().optional(),
  psnrAvgMean: z.number().optional(),
  ssimMean: z.number().optional(),
  /** The decision metric's value (vmafMean or psnrYMean). */
  score: z.number().optional(),
});

/** One measured layer of one scenario: a point on the quality-vs-bitrate plane. */
export const qualityPointSchema = z.strictObject({
  scenarioId: z.string(),
  /** The definition name, e.g. "all-layers". */
  scenario: z.string(),
  codec,
  rid: z.string(),
  /** The layer's own resolution "WxH". */
  layer: z.string(),
  width: z.number().int().min(0),
  height: z.number().int().min(0),
  /** Sweep values applied to the scenario, e.g. {"h.maxBitrate": 600000}. */
  sweepPoint: z.record(z.string(), z.number()).optional(),
  /** Total send cap of the scenario. */
  bandwidthKbps: kbps.optional(),
  /** The encoding's configured maxBitrate. */
  maxBitrateKbps: kbps.optional(),
  /** Steady-state outbound-rtp.targetBitrate (median). */
  targetKbps: kbps.optional(),
  /** Steady-state bytes actually sent. */
  actualKbps: kbps.optional(),
  fps: z.number().optional(),
  /** The x of the quality curve: targetKbps (what maxBitrate controls), actualKbps when no target was recorded. */
  kbps: positive,
  kbpsSource: z.enum(['target', 'actual']),
  /** The highest active layer of its scenario: Chrome lets it climb to its max. */
  topLayer: z.boolean(),
  frames: z.number().int().min(0),
  dropped: z.number().int().min(0),
  alignmentConfidence: z.number().min(0).max(1).optional(),
  /** More than 1% of the layer's pictures could not be paired with certainty (quality.csv pairing). */
  pairingDoubtful: z.boolean().optional(),
  cpuLimited: z.boolean(),
  /** Capture validity problems of this layer (run.json), in words. */
  problems: z.array(z.string()),
  /** "native" plus each viewport measured ("640x360", ...). */
  sizes: z.record(sizeKey, sizeScoreSchema),
});

/** A point of a layer's quality curve at native size. */
export const curvePointSchema = z.strictObject({ kbps: positive, score: z.number(), scenarioId: z.string() });

/**
 * How the maxBitrate advice was found:
 * - measured: a measured point reaches the target and the one below is too far away to interpolate;
 * - interpolated: linear between the last point below and the first point at or above the target;
 * - below-range: already the cheapest measured point reaches the target (cheaper was not measured);
 * - knee: the target is out of reach; the knee of the curve instead;
 * - highest: the target is out of reach and the curve still climbs at its last point (no knee yet).
 */
const maxBitrateRule = z.enum(['measured', 'interpolated', 'below-range', 'knee', 'highest']);
/** Whether a layer is the highest one the sender sends (gets up to its max) or a lower one (gets its target). */
const layerRole = z.enum(['top', 'lower']);

export const maxBitrateAdviceSchema = z
  .strictObject({
    rule: maxBitrateRule,
    role: layerRole,
    /** The bitrate the layer should be given (Chrome's allocator target), kbps. */
    wantedKbps: z.number().int().positive(),
    /** The RTCRtpEncodingParameters.maxBitrate (bps) that makes Chrome give the layer wantedKbps. */
    maxBitrate: z.number().int().positive().multipleOf(1000),
    /** Chrome's target for this layer without maxBitrate (libwebrtc's table), bps. */
    tableTargetBps: bps,
    /** What the allocation model predicts for maxBitrate: the target of a lower layer, the max of the top layer, bps. */
    predictedBps: bps,
    /** The score expected at native size: measured at `measured`, or interpolated toward `below`. */
    expectedScore: z.number(),
    /** The measured point the advice rests on (for interpolation: the first point at or above the target). */
    measured: curvePointSchema,
    /** For interpolation: the measured point below the target. */
    below: curvePointSchema.optional(),
    /** Plain sentences: the rule used, the knee, Chrome's 3/4 rule. */
    explanation: z.array(text).min(1),
  })
  .refine((a) => a.rule !== 'interpolated' || a.below !== undefined, {
    error: 'an interpolated advice needs the point below the target (below)',
    path: ['below'],
  });

export const layerAdviceSchema = z.strictObject({
  codec,
  rid: z.string(),
  /** Native resolution "WxH". */
  layer: z.string(),
  /** Role in the sender scenario; undefined when the sender does not send this rid. */
  role: layerRole.optional(),
  /** Every measured point of this rid at this resolution, cheapest first. */
  points: z.array(qualityPointSchema).min(1),
  /** Upper envelope of (kbps, native score): no other point scores higher for fewer kbps. */
  curve: z.array(curvePointSchema),
  /** Undefined when the layer has no native score. */
  advice: maxBitrateAdviceSchema.optional(),
});

/** A layer as an answer to "what should a viewer of size S get". */
export const layerCandidateSchema = z.strictObject({
  scenarioId: z.string(),
  scenario: z.string(),
  rid: z.string(),
  layer: z.string(),
  /** Bits actually sent (actualKbps, targetKbps when absent). */
  kbps: positive,
  score: z.number(),
  vmaf: z.number().optional(),
  psnrY: z.number().optional(),
  /** score per Mbps: quality for the money. */
  scorePerMbps: z.number(),
});

/** The seed question for one render size. */
export const viewerSizeAnswerSchema = z.strictObject({
  codec,
  size,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Highest score at this size over every measured layer. */
  best: layerCandidateSchema,
  /** Cheapest layer within `tolerance` of the best. */
  cheapest: layerCandidateSchema,
  /** All layers measured at this size, best first. */
  candidates: z.array(layerCandidateSchema).min(1),
});

/** A layer the SFU can forward (one of the sender scenario's layers). */
export const selectableLayerSchema = z.strictObject({
  rid: z.string(),
  layer: z.string(),
  scenarioId: z.string(),
  /** Measured steady bitrate of the layer (actualKbps; targetKbps when absent). */
  kbps: positive,
  /** kbps x (1 + headroom): the layer fits a bandwidth of at least this. Also the down-switch point. */
  requiredKbps: positive,
  /** Switch up to this layer once bandwidth >= upSwitchKbps = requiredKbps x (1 + hysteresis). */
  upSwitchKbps: positive,
  /** Leave this layer when bandwidth < downSwitchKbps (= requiredKbps). */
  downSwitchKbps: positive,
  /** mediasoup's spatial layer: index among the sender's encodings ordered from lowest to highest resolution. */
  spatialLayer: z.number().int().min(0),
  /** Highest temporal layer index (temporal layers - 1), as Chrome configures this encoding; for a
   *  temporal operating point, the level forwarded (frames with temporal index <= temporalLayer). */
  temporalLayer: z.number().int().min(0),
  /** Frames per second forwarded: set on temporal operating points (measured from the frames). */
  fps: positive.optional(),
  /** Score at each measured size ("native" included). */
  scores: z.record(sizeKey, z.number()),
});

export const selectionCellSchema = z.strictObject({
  size,
  bandwidthKbps: positive,
  /** The layer to forward; null when nothing fits. */
  rid: z.string().nullable(),
  score: z.number().optional(),
  kbps: z.number().optional(),
  requiredKbps: z.number().optional(),
  /** A cheaper fitting layer within `tolerance` of the chosen one, when there is one. */
  cheaper: z
    .strictObject({
      rid: z.string(),
      kbps: z.number(),
      score: z.number(),
      temporalLayer: z.number().int().min(0).optional(),
    })
    .optional(),
  /** The temporal layer to forward, when the run measured temporal operating points (measure --temporal-layers). */
  temporalLayer: z.number().int().min(0).optional(),
  /** Frames per second of the chosen operating point, when it is below the layer's full rate. */
  fps: positive.optional(),
});

/**
 * An encoding as the exports carry it (webrtc-pc RTCRtpEncodingParameters, webrtc-svc
 * scalabilityMode): only the members a browser takes, typed as simq's RtpEncodingParameters.
 */
const encodingSchema = z.strictObject({
  rid: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/),
  active: z.boolean(),
  scaleResolutionDownBy: z.number().min(1),
  maxBitrate: z.number().int().positive().optional(),
  maxFramerate: positive.optional(),
  scalabilityMode: z
    .string()
    .regex(/^[LS][1-3]T[1-3](h|_KEY|_KEY_SHIFT)?$/)
    .optional(),
}) as unknown as z.ZodType<RtpEncodingParameters>;

/** One SVC encoding as the sender (svcSender.ts). */
export const svcSenderSchema = z.strictObject({
  /** The encoding's rid (operating point rids are "<rid>-S<n>"). */
  rid: z.string(),
  /** As the browser reported it (outbound-rtp.scalabilityMode). */
  scalabilityMode: z.string(),
  spatialLayers: z.number().int().min(1).max(3),
  temporalLayers: z.number().int().min(1).max(3),
  interLayer: z.enum(['on', 'key', 'key-shift', 'off']),
  /** One per spatial layer, lowest first: the operating point with every temporal layer. */
  points: z
    .array(
      z.strictObject({
        rid: z.string(),
        spatialLayer: z.number().int().min(0),
        temporalLayers: z.number().int().min(1),
        size: z.string(),
      }),
    )
    .min(1),
  /** What the sender uploaded: the spatial layers' tapped rates summed (steady window). */
  uploadKbps: z.number(),
  /** simq plan's total for the scenario as measured (uncapped: each layer's max of svc_config.cc summed). */
  ceilingKbps: z.number(),
});

export const senderScenarioSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** Why this scenario represents what the app sends. */
  reason: z.string(),
  encodings: z.array(encodingSchema).min(1),
  /** Set when the sender is one SVC encoding: its layer selection is over the operating points. */
  svc: svcSenderSchema.optional(),
});

export const layerSelectionSchema = z.strictObject({
  sizes: z.array(size),
  bandwidthsKbps: z.array(positive),
  layers: z.array(selectableLayerSchema),
  /** Temporal operating points below each layer's full rate (from measure --temporal-layers), also candidates. */
  temporalPoints: z.array(selectableLayerSchema).optional(),
  /** One cell per size x bandwidth, sizes in order, bandwidths ascending. */
  table: z.array(selectionCellSchema),
});

/** Simulcast against SVC at the same total upload (svcVersusSimulcast.ts). */
export const modeAtSizeSchema = z
  .strictObject({
    /**
     * The layer (simulcast) or operating point (SVC) an SFU forwards to a viewer of this size
     * (forwardedLayer: the smallest whose own size covers the viewer), scored at the viewer's size;
     * its kbps is what the SFU sends that viewer.
     */
    forwarded: layerCandidateSchema,
    /** What the sender uploads in the scenario of the forwarded layer. */
    uploadKbps: z.number().min(0),
  })
  .meta({
    description:
      "The layer (simulcast) or operating point (SVC) an SFU forwards to a viewer of the row's size (the smallest whose own size covers the viewer), scored at that size; uploadKbps: what the sender uploads.",
  });

export const svcVersusSimulcastRowSchema = z.strictObject({
  codec: z.string(),
  size,
  simulcast: modeAtSizeSchema.optional(),
  svc: modeAtSizeSchema.optional(),
  /** (SVC upload - simulcast upload) / simulcast upload, of the paired scenarios. */
  uploadDifference: z.number().optional(),
  /** The two uploads are within UPLOAD_TOLERANCE: the comparison is at the same total upload. */
  sameUpload: z.boolean().optional(),
  /** The mode whose forwarded layer scores higher; absent when one side was not measured at this size, or the uploads differ. */
  better: z.enum(['simulcast', 'svc']).optional(),
  /** Score difference (better minus worse), in the score's unit (VMAF points by default). */
  by: z.number().min(0).optional(),
});

export const codecRecommendationSchema = z.strictObject({
  codec,
  /** Undefined when no measured scenario of this codec could represent the sender. */
  senderScenario: senderScenarioSchema.optional(),
  layers: z.array(layerAdviceSchema),
  viewerSizes: z.array(viewerSizeAnswerSchema),
  layerSelection: layerSelectionSchema,
  /** The sender scenario's encodings with each rid's recommended maxBitrate: what the exports carry. */
  recommendedEncodings: z.array(encodingSchema),
  /** When the run measured both simulcast and SVC for this codec: which serves each viewer size better. */
  svcVersusSimulcast: z.array(svcVersusSimulcastRowSchema).optional(),
});

export const warningKindSchema = z.enum([
  'beaten-by-larger',
  'cpu-limited',
  'capture-problem',
  'low-alignment',
  'dropped-frames',
  'vmaf-missing',
  'knee',
  'below-range',
  'no-sender-scenario',
  'not-measured',
  'layer-order',
  'model-mismatch',
]);

export const recommendationWarningSchema = z.strictObject({
  kind: warningKindSchema,
  codec: codec.optional(),
  rid: z.string().optional(),
  scenarioId: z.string().optional(),
  size: z.string().optional(),
  message: text,
});

/** A study's recommendation across its clips (acrossClips.ts): one clip's advice for a layer. */
export const clipLayerAdviceSchema = z.strictObject({
  clipId: z.string(),
  /** undefined: no native score for this layer on this clip. */
  maxBitrate: z.number().int().positive().optional(),
  /** The clip's curve reached the target (rule measured, interpolated or below-range). */
  reached: z.boolean(),
});

export const acrossClipsLayerSchema = z.strictObject({
  codec,
  rid: z.string(),
  layer: z.string(),
  perClip: z.array(clipLayerAdviceSchema),
  /** The maxBitrate that reaches the target on at least clipShare of the clips; absent when too few clips reach it. */
  maxBitrate: z.number().int().positive().optional(),
  /** Clips whose own advice is at or below maxBitrate and reached the target. */
  clipsCovered: z.array(z.string()),
  note: z.string().optional(),
});

const rulesSchema = z.strictObject({
  maxBitrate: text,
  interpolation: text,
  knee: text,
  chrome: text,
  selection: text,
  hysteresis: text,
});

/** The fields of a recommendation without the study (a study's per-clip entries are of this shape). */
const recommendationShape = {
  schema: z.literal(RECOMMENDATION_SCHEMA),
  provenance: provenanceSchema,
  settings: recommendSettingsSchema,
  /** The rules applied, in words (also printed by the summary). */
  rules: rulesSchema,
  codecs: z.array(codecRecommendationSchema),
  warnings: z.array(recommendationWarningSchema),
};

export const studyRecommendationSchema = z.strictObject({
  clipShare: z.number().positive().max(1),
  clips: z.array(
    z.strictObject({ id: z.string(), label: z.string().optional(), name: z.string(), sha256: z.string() }),
  ),
  acrossClips: z.array(acrossClipsLayerSchema),
  /** Each clip's own recommendation (no study of its own): maxBitrate per codec and layer. */
  perClip: z.array(z.strictObject({ clipId: z.string(), recommendation: z.strictObject(recommendationShape) })),
});

export const recommendationSchema = z.strictObject({
  ...recommendationShape,
  /** Runs of several clips: "codecs" above is the first clip's; this holds every clip's and the across-clips maxBitrate. */
  study: studyRecommendationSchema.optional(),
});
