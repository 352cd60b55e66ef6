// What `simq recommend` decides and writes (recommendation.json). Part of the run-directory contract:
// the HTML report and the exports read these types. Any change of shape bumps RECOMMENDATION_SCHEMA
// and src/recommend/recommendation.schema.json (the tests validate every document against it).
// A leaf: it imports no module of recommend/, so every stage and the report can import it without a cycle.
//
// Units: fields ending in `Kbps` are kilobits per second; `maxBitrate` and fields ending in `Bps` are
// bits per second (the unit of RTCRtpEncodingParameters.maxBitrate).
import type { InterLayerPrediction } from '../scenario/ScalabilityMode.js';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';

export const RECOMMENDATION_SCHEMA = 'simq.recommendation/1';
export {
  RECOMMENDATION_CSV as RECOMMENDATION_CSV_FILE,
  RECOMMENDATION_JSON as RECOMMENDATION_FILE,
} from '../rundir/RunFiles.js';

/** The quality metric the decisions use: VMAF, or PSNR-Y when the run has no VMAF scores. */
export type MetricName = 'vmaf' | 'psnr_y';

export interface MetricChoice {
  name: MetricName;
  /** The quality.csv column read: vmaf_mean or psnr_y_mean. */
  column: 'vmaf_mean' | 'psnr_y_mean';
  unit: 'VMAF' | 'dB';
  /** True when VMAF was missing and the decisions fall back to PSNR-Y. */
  fallback: boolean;
  /** Why the fallback happened. */
  reason?: string;
}

export interface RecommendSettings {
  metric: MetricChoice;
  /** Score the maxBitrate advice aims for at the layer's native size, in metric units. */
  targetScore: number;
  /** --target-vmaf (used when metric is vmaf). */
  targetVmaf: number;
  /** --target-psnr (used when metric is psnr_y). */
  targetPsnrY: number;
  /** Knee: the first curve point after which the gain falls below this many metric units per 100 kbps. */
  kneeSlopePer100Kbps: number;
  /** "Cheapest within" tolerance of the viewer-size answer, metric units (1 VMAF point). */
  tolerance: number;
  /** Share added to a layer's bitrate before it fits a bandwidth bucket (0.15 = 15 %). */
  headroom: number;
  /** Extra share above the fit threshold before an SFU switches up to a layer. */
  hysteresis: number;
  /** Available-bandwidth buckets of the layer-selection table, bps. */
  bandwidthsBps: number[];
  /** --sender-scenario, when given. */
  senderScenario?: string;
  /** Gap (metric units) from which a warning names a layer beaten by a larger one scaled down. */
  warnGap: number;
  /** --min-fps: temporal operating points below a layer's full rate under this frame rate are never selected. */
  minFps?: number;
}

/** Where a recommendation came from; every export repeats it in its header. */
export interface Provenance {
  tool: 'simq';
  simqVersion: string;
  runId: string;
  /** The run directory as given on the command line. */
  runDir: string;
  /** When the run was captured (run.json createdAt). */
  runCreatedAt: string;
  /** When this recommendation was computed. */
  generatedAt: string;
  clip: { source: string; name: string; width: number; height: number; fps: number; frames: number; sha256: string };
  codecs: Codec[];
  browser?: string;
  /** The VMAF backend/model of the measure stage, e.g. "ffmpeg libvmaf 1 vmaf_v0.6.1", or "none". */
  metricBackend?: string;
}

/** Scores of one layer at one render size (from quality.csv). */
export interface SizeScore {
  vmafMean?: number;
  vmafHmean?: number;
  vmafP5?: number;
  vmafMin?: number;
  psnrYMean?: number;
  psnrAvgMean?: number;
  ssimMean?: number;
  /** The decision metric's value (vmafMean or psnrYMean). */
  score?: number;
}

/** One measured layer of one scenario: a point on the quality-vs-bitrate plane. */
export interface QualityPoint {
  scenarioId: string;
  /** The definition name, e.g. "all-layers". */
  scenario: string;
  codec: Codec;
  rid: string;
  /** The layer's own resolution "WxH". */
  layer: string;
  width: number;
  height: number;
  /** Sweep values applied to the scenario, e.g. {"h.maxBitrate": 600000}. */
  sweepPoint?: Record<string, number>;
  /** Total send cap of the scenario. */
  bandwidthKbps?: number;
  /** The encoding's configured maxBitrate. */
  maxBitrateKbps?: number;
  /** Steady-state outbound-rtp.targetBitrate (median). */
  targetKbps?: number;
  /** Steady-state bytes actually sent. */
  actualKbps?: number;
  fps?: number;
  /** The x of the quality curve: targetKbps (what maxBitrate controls), actualKbps when no target was recorded. */
  kbps: number;
  kbpsSource: 'target' | 'actual';
  /** The highest active layer of its scenario: Chrome lets it climb to its max. */
  topLayer: boolean;
  frames: number;
  dropped: number;
  alignmentConfidence?: number;
  /** More than 1% of the layer's pictures could not be paired with certainty (quality.csv pairing). */
  pairingDoubtful?: boolean;
  cpuLimited: boolean;
  /** Capture validity problems of this layer (run.json), in words. */
  problems: string[];
  /** "native" plus each viewport measured ("640x360", ...). */
  sizes: Record<string, SizeScore>;
}

/** A point of a layer's quality curve at native size. */
export interface CurvePoint {
  kbps: number;
  score: number;
  scenarioId: string;
}

/**
 * How the maxBitrate advice was found:
 * - measured: a measured point reaches the target and the one below is too far away to interpolate;
 * - interpolated: linear between the last point below and the first point at or above the target;
 * - below-range: already the cheapest measured point reaches the target (cheaper was not measured);
 * - knee: the target is out of reach; the knee of the curve instead;
 * - highest: the target is out of reach and the curve still climbs at its last point (no knee yet).
 */
export type MaxBitrateRule = 'measured' | 'interpolated' | 'below-range' | 'knee' | 'highest';

/** Whether a layer is the highest one the sender sends (gets up to its max) or a lower one (gets its target). */
export type LayerRole = 'top' | 'lower';

export interface MaxBitrateAdvice {
  rule: MaxBitrateRule;
  role: LayerRole;
  /** The bitrate the layer should be given (Chrome's allocator target), kbps. */
  wantedKbps: number;
  /** The RTCRtpEncodingParameters.maxBitrate (bps) that makes Chrome give the layer wantedKbps. */
  maxBitrate: number;
  /** Chrome's target for this layer without maxBitrate (libwebrtc's table), bps. */
  tableTargetBps: number;
  /** What the allocation model predicts for maxBitrate: the target of a lower layer, the max of the top layer, bps. */
  predictedBps: number;
  /** The score expected at native size: measured at `measured`, or interpolated toward `below`. */
  expectedScore: number;
  /** The measured point the advice rests on (for interpolation: the first point at or above the target). */
  measured: CurvePoint;
  /** For interpolation: the measured point below the target. */
  below?: CurvePoint;
  /** Plain sentences: the rule used, the knee, Chrome's 3/4 rule. */
  explanation: string[];
}

export interface LayerAdvice {
  codec: Codec;
  rid: string;
  /** Native resolution "WxH". */
  layer: string;
  /** Role in the sender scenario; undefined when the sender does not send this rid. */
  role?: LayerRole;
  /** Every measured point of this rid at this resolution, cheapest first. */
  points: QualityPoint[];
  /** Upper envelope of (kbps, native score): no other point scores higher for fewer kbps. */
  curve: CurvePoint[];
  /** Undefined when the layer has no native score. */
  advice?: MaxBitrateAdvice;
}

/** A layer as an answer to "what should a viewer of size S get". */
export interface LayerCandidate {
  scenarioId: string;
  scenario: string;
  rid: string;
  layer: string;
  /** Bits actually sent (actualKbps, targetKbps when absent). */
  kbps: number;
  score: number;
  vmaf?: number;
  psnrY?: number;
  /** score per Mbps: quality for the money. */
  scorePerMbps: number;
}

/** The seed question for one render size. */
export interface ViewerSizeAnswer {
  codec: Codec;
  size: string;
  width: number;
  height: number;
  /** Highest score at this size over every measured layer. */
  best: LayerCandidate;
  /** Cheapest layer within `tolerance` of the best. */
  cheapest: LayerCandidate;
  /** All layers measured at this size, best first. */
  candidates: LayerCandidate[];
}

/** A layer the SFU can forward (one of the sender scenario's layers). */
export interface SelectableLayer {
  rid: string;
  layer: string;
  scenarioId: string;
  /** Measured steady bitrate of the layer (actualKbps; targetKbps when absent). */
  kbps: number;
  /** kbps x (1 + headroom): the layer fits a bandwidth of at least this. Also the down-switch point. */
  requiredKbps: number;
  /** Switch up to this layer once bandwidth >= upSwitchKbps = requiredKbps x (1 + hysteresis). */
  upSwitchKbps: number;
  /** Leave this layer when bandwidth < downSwitchKbps (= requiredKbps). */
  downSwitchKbps: number;
  /** mediasoup's spatial layer: index among the sender's encodings ordered from lowest to highest resolution. */
  spatialLayer: number;
  /** Highest temporal layer index (temporal layers - 1), as Chrome configures this encoding; for a
   *  temporal operating point, the level forwarded (frames with temporal index <= temporalLayer). */
  temporalLayer: number;
  /** Frames per second forwarded: set on temporal operating points (measured from the frames). */
  fps?: number;
  /** Score at each measured size ("native" included). */
  scores: Record<string, number>;
}

export interface SelectionCell {
  size: string;
  bandwidthKbps: number;
  /** The layer to forward; null when nothing fits. */
  rid: string | null;
  score?: number;
  kbps?: number;
  requiredKbps?: number;
  /** A cheaper fitting layer within `tolerance` of the chosen one, when there is one. */
  cheaper?: { rid: string; kbps: number; score: number; temporalLayer?: number };
  /** The temporal layer to forward, when the run measured temporal operating points (measure --temporal-layers). */
  temporalLayer?: number;
  /** Frames per second of the chosen operating point, when it is below the layer's full rate. */
  fps?: number;
}

export interface SenderScenario {
  id: string;
  name: string;
  /** Why this scenario represents what the app sends. */
  reason: string;
  encodings: RtpEncodingParameters[];
  /** Set when the sender is one SVC encoding: its layer selection is over the operating points. */
  svc?: SvcSender;
}

/** One SVC encoding as the sender (svcSender.ts). */
export interface SvcSender {
  /** The encoding's rid (operating point rids are "<rid>-S<n>"). */
  rid: string;
  /** As the browser reported it (outbound-rtp.scalabilityMode). */
  scalabilityMode: string;
  spatialLayers: number;
  temporalLayers: number;
  interLayer: InterLayerPrediction;
  /** One per spatial layer, lowest first: the operating point with every temporal layer. */
  points: { rid: string; spatialLayer: number; temporalLayers: number; size: string }[];
  /** What the sender uploaded: the spatial layers' tapped rates summed (steady window). */
  uploadKbps: number;
  /** simq plan's total for the scenario as measured (uncapped: each layer's max of svc_config.cc summed). */
  ceilingKbps: number;
}

export interface LayerSelection {
  sizes: string[];
  bandwidthsKbps: number[];
  layers: SelectableLayer[];
  /** Temporal operating points below each layer's full rate (from measure --temporal-layers), also candidates. */
  temporalPoints?: SelectableLayer[];
  /** One cell per size x bandwidth, sizes in order, bandwidths ascending. */
  table: SelectionCell[];
}

export interface CodecRecommendation {
  codec: Codec;
  /** Undefined when no measured scenario of this codec could represent the sender. */
  senderScenario?: SenderScenario;
  layers: LayerAdvice[];
  viewerSizes: ViewerSizeAnswer[];
  layerSelection: LayerSelection;
  /** The sender scenario's encodings with each rid's recommended maxBitrate: what the exports carry. */
  recommendedEncodings: RtpEncodingParameters[];
  /** When the run measured both simulcast and SVC for this codec: which serves each viewer size better. */
  svcVersusSimulcast?: SvcVersusSimulcastRow[];
}

export type WarningKind =
  | 'beaten-by-larger'
  | 'cpu-limited'
  | 'capture-problem'
  | 'low-alignment'
  | 'dropped-frames'
  | 'vmaf-missing'
  | 'knee'
  | 'below-range'
  | 'no-sender-scenario'
  | 'not-measured'
  | 'layer-order'
  | 'model-mismatch';

export interface RecommendationWarning {
  kind: WarningKind;
  codec?: Codec;
  rid?: string;
  scenarioId?: string;
  size?: string;
  message: string;
}

export interface Recommendation {
  schema: typeof RECOMMENDATION_SCHEMA;
  provenance: Provenance;
  settings: RecommendSettings;
  /** The rules applied, in words (also printed by the summary). */
  rules: {
    maxBitrate: string;
    interpolation: string;
    knee: string;
    chrome: string;
    selection: string;
    hysteresis: string;
  };
  codecs: CodecRecommendation[];
  warnings: RecommendationWarning[];
  /** Runs of several clips: "codecs" above is the first clip's; this holds every clip's and the across-clips maxBitrate. */
  study?: StudyRecommendation;
}

/** A study's recommendation across its clips (acrossClips.ts). */
export interface ClipLayerAdvice {
  clipId: string;
  /** undefined: no native score for this layer on this clip. */
  maxBitrate?: number;
  /** The clip's curve reached the target (rule measured, interpolated or below-range). */
  reached: boolean;
}

export interface AcrossClipsLayer {
  codec: Codec;
  rid: string;
  layer: string;
  perClip: ClipLayerAdvice[];
  /** The maxBitrate that reaches the target on at least clipShare of the clips; absent when too few clips reach it. */
  maxBitrate?: number;
  /** Clips whose own advice is at or below maxBitrate and reached the target. */
  clipsCovered: string[];
  note?: string;
}

export interface StudyRecommendation {
  clipShare: number;
  clips: { id: string; label?: string; name: string; sha256: string }[];
  acrossClips: AcrossClipsLayer[];
  /** Each clip's own recommendation summary: maxBitrate per codec and layer. */
  perClip: { clipId: string; recommendation: Recommendation }[];
}

/** Simulcast against SVC at the same total upload (svcVersusSimulcast.ts). */
export interface ModeAtSize {
  /**
   * The layer (simulcast) or operating point (SVC) an SFU forwards to a viewer of this size
   * (forwardedLayer: the smallest whose own size covers the viewer), scored at the viewer's size;
   * its kbps is what the SFU sends that viewer.
   */
  forwarded: LayerCandidate;
  /** What the sender uploads in the scenario of the forwarded layer. */
  uploadKbps: number;
}

export interface SvcVersusSimulcastRow {
  codec: string;
  size: string;
  simulcast?: ModeAtSize;
  svc?: ModeAtSize;
  /** (SVC upload - simulcast upload) / simulcast upload, of the paired scenarios. */
  uploadDifference?: number;
  /** The two uploads are within UPLOAD_TOLERANCE: the comparison is at the same total upload. */
  sameUpload?: boolean;
  /** The mode whose forwarded layer scores higher; absent when one side was not measured at this size, or the uploads differ. */
  better?: 'simulcast' | 'svc';
  /** Score difference (better minus worse), in the score's unit (VMAF points by default). */
  by?: number;
}
